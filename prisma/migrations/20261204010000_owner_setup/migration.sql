-- Owner setup pages (app/routes/panel.clinic.tsx, panel.settings.tsx): a logo uploaded by the
-- owner may be up to 1 MB (PNG, JPEG or WebP, checked by its bytes before it is stored), and the
-- clinic keeps a default cancellation window that new services start from (48 hours unless the
-- owner sets another; each service still carries its own window, and each appointment the window
-- it was booked under).

ALTER TABLE clinics DROP CONSTRAINT clinics_logo_size;
ALTER TABLE clinics ADD CONSTRAINT clinics_logo_size CHECK (logo_data IS NULL OR octet_length(logo_data) <= 1048576);

ALTER TABLE clinics
  ADD COLUMN default_cancellation_window_min integer NOT NULL DEFAULT 2880,
  ADD CONSTRAINT clinics_default_cancellation_window CHECK (default_cancellation_window_min BETWEEN 0 AND 20160);
