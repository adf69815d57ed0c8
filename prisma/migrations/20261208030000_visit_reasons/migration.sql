-- The reason for a visit. A clinic may list, per service, the reasons a patient can choose from
-- when booking ("Check-up", "Pain", "Follow-up"); the reason chosen is kept on the appointment,
-- next to the free text the patient already could type (patient_note), and goes with the visit
-- when it is moved. A booking waiting for the bank's card check remembers it like the note.
ALTER TABLE services ADD COLUMN visit_reasons text[] NOT NULL DEFAULT '{}';
ALTER TABLE services ADD CONSTRAINT services_visit_reasons_short CHECK (cardinality(visit_reasons) <= 8);
ALTER TABLE appointments ADD COLUMN visit_reason text;
ALTER TABLE appointments ADD CONSTRAINT appointments_visit_reason_short CHECK (char_length(visit_reason) <= 60);
ALTER TABLE card_authentications ADD COLUMN visit_reason text;
