-- Issue 16: three lookups that every paid checkout makes scanned their whole
-- table, so each checkout cost more than the one before it (pg_stat_statements
-- over 1,911 checkouts: 0.30 ms per webhook lookup and 0.25 ms per coupon
-- finalize, both growing with the table).
-- A webhook names its order by the gateway's order id (Razorpay's order_...,
-- Stripe's session) or only by the payment id (a refund); the unique index on
-- (gateway, gateway_order_id) serves neither lookup, which has no gateway.
CREATE INDEX payment_attempts_by_gateway_order
  ON payment_attempts (gateway_order_id, attempt_no DESC) WHERE gateway_order_id IS NOT NULL;
CREATE INDEX payment_attempts_by_gateway_payment
  ON payment_attempts (gateway_payment_id, attempt_no DESC) WHERE gateway_payment_id IS NOT NULL;
-- A capture redeems, and an expiry or refund releases, the coupon uses of one
-- order; the primary key leads with the code.
CREATE INDEX coupon_redemptions_by_order ON coupon_redemptions (order_token);
-- An expiry or refund gives back the order's first-order claim.
CREATE INDEX first_order_claims_by_order ON first_order_claims (order_token);
