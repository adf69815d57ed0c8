-- The clinic's own record of a patient's date of birth: the desk tells two people with similar
-- names apart by it (search shows it with the age). Like the names on this record it is what the
-- clinic was told, and it never changes the patient's account.
ALTER TABLE clinic_patients ADD COLUMN date_of_birth date;
ALTER TABLE clinic_patients ADD CONSTRAINT clinic_patients_date_of_birth CHECK (date_of_birth IS NULL OR date_of_birth >= DATE '1900-01-01');
