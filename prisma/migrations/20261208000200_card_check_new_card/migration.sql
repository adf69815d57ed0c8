-- A card typed at booking is kept on the account only once the bank accepts it. When the bank asks
-- for its own check first (3-D Secure), the check remembers that the card is new: accepted, it
-- becomes the default; refused, stopped or left unfinished, it is removed.
ALTER TABLE card_authentications ADD COLUMN card_is_new boolean NOT NULL DEFAULT false;
