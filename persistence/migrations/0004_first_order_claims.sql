-- A first_order_only coupon may go to one order per user: the order claims
-- the user's first order with an INSERT that only one concurrent order wins.
-- The claim is given back when the order expires or is refunded.
CREATE TABLE first_order_claims (
  user_id      TEXT PRIMARY KEY,
  order_token  UUID NOT NULL REFERENCES orders (token),
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
