-- Reports: indexes for the owner's reports, so each report is an index range scan per clinic and
-- time instead of a scan of the clinic's history (see docs/decisions/015-reports.md).
-- Appointments are already served by appointments (clinic_id, starts_at).

-- Deposit moves by when they happened.
CREATE INDEX deposit_events_clinic_id_occurred_at_idx ON deposit_events (clinic_id, occurred_at);
