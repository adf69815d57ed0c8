-- A new message kind, "clinic_suspended": patients with visits ahead are told when the clinic is
-- suspended. The kind lists live in CHECK constraints on message_templates and message_deliveries;
-- each is extended in place from its current definition, so kinds added by other migrations stay.
DO $$
DECLARE
  c record;
BEGIN
  FOR c IN
    SELECT con.conrelid::regclass AS tbl, con.conname, pg_get_constraintdef(con.oid) AS def
      FROM pg_constraint con
     WHERE con.conrelid IN ('message_templates'::regclass, 'message_deliveries'::regclass)
       AND con.contype = 'c'
       AND pg_get_constraintdef(con.oid) LIKE '%''sign_in_code''::text%'
       AND pg_get_constraintdef(con.oid) NOT LIKE '%''clinic_suspended''::text%'
  LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.tbl, c.conname);
    EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.tbl, c.conname,
                   replace(c.def, '''sign_in_code''::text', '''sign_in_code''::text, ''clinic_suspended''::text'));
  END LOOP;
END $$;
