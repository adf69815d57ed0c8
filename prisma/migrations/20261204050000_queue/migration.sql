-- The live clinic queue (app/modules/queue): one ticket per appointment that checked in, numbered
-- per location and local day ("A-012"), moving waiting → called (to a room) → in consultation →
-- done, or left / no show. The appointment's own status moves with it through
-- appointment_status_history, as every other status change does.
--
-- Ticket numbers are allocated under a transaction-scoped advisory lock on (clinic, location, day);
-- the unique key on (clinic_id, location_id, local_day, seq) is the database's last word, so two
-- desks checking patients in at the same instant can never share a number.
--
-- Staff screens, the waiting-room board and the patient's phone are told about changes with
-- pg_notify('medslot_queue', …) sent inside the changing transaction: PostgreSQL delivers it on
-- commit only, to every web server listening.

CREATE TYPE queue_ticket_state AS ENUM ('waiting', 'called', 'in_consultation', 'done', 'left', 'no_show');

CREATE TABLE queue_tickets (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  appointment_id uuid NOT NULL,
  location_id uuid NOT NULL,
  doctor_id uuid NOT NULL,
  -- The clinic's local calendar day of the check-in; numbers start again at 1 each day.
  local_day date NOT NULL,
  prefix text NOT NULL CHECK (prefix ~ '^[A-Z]$'),
  seq integer NOT NULL CHECK (seq BETWEEN 1 AND 999),
  state queue_ticket_state NOT NULL DEFAULT 'waiting',
  room_id uuid,
  checked_in_via text NOT NULL CHECK (checked_in_via IN ('desk', 'self')),
  late boolean NOT NULL DEFAULT false,
  checked_in_at timestamptz(3) NOT NULL DEFAULT now(),
  checked_in_by text,
  called_at timestamptz(3),
  called_by text,
  started_at timestamptz(3),
  started_by text,
  finished_at timestamptz(3),
  finished_by text,
  left_at timestamptz(3),
  left_by text,
  -- When "you're next" was announced for this ticket (once per ticket).
  youre_next_at timestamptz(3),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, id),
  FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id) ON DELETE CASCADE,
  FOREIGN KEY (clinic_id, location_id) REFERENCES locations (clinic_id, id),
  FOREIGN KEY (clinic_id, doctor_id) REFERENCES clinic_memberships (clinic_id, id),
  FOREIGN KEY (clinic_id, room_id) REFERENCES rooms (clinic_id, id),
  CONSTRAINT queue_tickets_room_when_called CHECK (state NOT IN ('called', 'in_consultation') OR room_id IS NOT NULL)
);
CREATE UNIQUE INDEX queue_tickets_clinic_id_appointment_id_key ON queue_tickets (clinic_id, appointment_id);
CREATE UNIQUE INDEX queue_tickets_clinic_id_location_id_local_day_seq_key ON queue_tickets (clinic_id, location_id, local_day, seq);
CREATE INDEX queue_tickets_clinic_id_location_id_local_day_state_idx ON queue_tickets (clinic_id, location_id, local_day, state);
CREATE INDEX queue_tickets_clinic_id_doctor_id_local_day_idx ON queue_tickets (clinic_id, doctor_id, local_day);

ALTER TABLE queue_tickets ENABLE ROW LEVEL SECURITY;
ALTER TABLE queue_tickets FORCE ROW LEVEL SECURITY;
CREATE POLICY queue_tickets_own ON queue_tickets USING (clinic_id = app_clinic_id()) WITH CHECK (clinic_id = app_clinic_id());

-- A visit not checked in 10 minutes after its start is flagged late for the desk; one not checked in
-- by its end is proposed as a no-show (the desk confirms; nothing is charged until it does).
ALTER TABLE appointments
  ADD COLUMN late_at timestamptz(3),
  ADD COLUMN no_show_proposed_at timestamptz(3);

-- The waiting-room board's address is derived from this number; rotating the board's link bumps it,
-- and the old link stops working at once.
ALTER TABLE locations
  ADD COLUMN queue_board_version integer NOT NULL DEFAULT 1 CHECK (queue_board_version > 0);
