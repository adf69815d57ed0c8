-- What a doctor shows patients on the clinic's site and the marketplace: a short biography and the
-- languages they see patients in, kept on the doctor's membership (a doctor working at two clinics
-- may introduce themselves differently at each).
ALTER TABLE clinic_memberships ADD COLUMN bio text;
ALTER TABLE clinic_memberships ADD COLUMN languages text[] NOT NULL DEFAULT '{}';

-- A doctor's photo, in the database like the clinic's logo so any web server can answer it, and in
-- a table of its own so that reading memberships never carries the bytes.
CREATE TABLE doctor_photos (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  doctor_id uuid NOT NULL,
  data bytea NOT NULL,
  content_type text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp')),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, doctor_id),
  FOREIGN KEY (clinic_id, doctor_id) REFERENCES clinic_memberships (clinic_id, id) ON DELETE CASCADE
);

ALTER TABLE doctor_photos ENABLE ROW LEVEL SECURITY;
ALTER TABLE doctor_photos FORCE ROW LEVEL SECURITY;
CREATE POLICY doctor_photos_own ON doctor_photos USING (clinic_id = app_clinic_id()) WITH CHECK (clinic_id = app_clinic_id());
-- The published catalog may see that a doctor has a photo (the marketplace links to it on the
-- clinic's own host); photos are public by nature.
CREATE POLICY doctor_photos_catalog ON doctor_photos FOR SELECT USING (app_is_system());

-- A new or removed photo changes the clinic's public pages (the page cache forgets them), not its free times.
CREATE TRIGGER doctor_photos_cache_insert AFTER INSERT ON doctor_photos REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION note_clinic_change('site');
CREATE TRIGGER doctor_photos_cache_update AFTER UPDATE ON doctor_photos REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION note_clinic_change('site');
CREATE TRIGGER doctor_photos_cache_delete AFTER DELETE ON doctor_photos REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION note_clinic_change('site');
