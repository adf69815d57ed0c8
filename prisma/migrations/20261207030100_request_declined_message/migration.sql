-- A declined appointment request has its own message (with the reason the desk gave), so a clinic
-- can word it apart from a cancellation of a booked visit.
ALTER TABLE message_templates DROP CONSTRAINT message_templates_kind_check;
ALTER TABLE message_templates ADD CONSTRAINT message_templates_kind_check CHECK (kind IN ('sign_in_code', 'booking_confirmation', 'booking_change', 'cancellation', 'reminder',
  'deposit_problem', 'flexible_proposal', 'waitlist_offer', 'youre_next', 'request_declined'));
ALTER TABLE message_deliveries DROP CONSTRAINT message_deliveries_kind_check;
ALTER TABLE message_deliveries ADD CONSTRAINT message_deliveries_kind_check CHECK (kind IN ('sign_in_code', 'booking_confirmation', 'booking_change', 'cancellation', 'reminder',
  'deposit_problem', 'flexible_proposal', 'waitlist_offer', 'youre_next', 'request_declined'));
