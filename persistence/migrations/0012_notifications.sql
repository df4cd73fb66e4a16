-- CONTRACT §16: each new enrollment becomes one email to the buyer's address,
-- the JWT `email` claim at the time the order was placed (NULL: none given).
ALTER TABLE orders ADD COLUMN buyer_email TEXT;

-- One row per enrollment whose confirmation was handled: sent, or skipped for
-- want of an address. Written after the SMTP server accepted the mail, so a
-- crash between the two repeats that one mail and never loses it.
CREATE TABLE notifications_sent (
  enrollment_id UUID PRIMARY KEY,
  order_token UUID NOT NULL,
  recipient TEXT,
  outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'no_address')),
  handled_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
