-- Orders and payments (issue 4): payment attempts that exist before the
-- gateway answers, the holds an order takes, and counters that let one
-- conditional UPDATE enforce a coupon's usage limits.

-- An attempt is written with its gateway before the outbound call ('pending'),
-- so a crash between the two resumes with the same gateway and key.
ALTER TABLE payment_attempts ALTER COLUMN gateway_order_id DROP NOT NULL;
ALTER TABLE payment_attempts ALTER COLUMN checkout_url DROP NOT NULL;
ALTER TABLE payment_attempts DROP CONSTRAINT payment_attempts_status_check;
ALTER TABLE payment_attempts ADD CONSTRAINT payment_attempts_status_check
  CHECK (status IN ('pending', 'created', 'captured', 'failed', 'expired', 'refunded'));
ALTER TABLE payment_attempts ADD COLUMN refund_id TEXT;
CREATE INDEX payment_attempts_open ON payment_attempts (order_token)
  WHERE status IN ('pending', 'created');

-- Where the gateway sends the customer back to; and the state of the seats
-- and coupon uses the order holds: 'held' while it awaits payment, 'final'
-- once paid, 'released' when expired or refunded (so a release happens once).
ALTER TABLE orders ADD COLUMN success_url TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN cancel_url TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN holds TEXT NOT NULL DEFAULT 'held'
  CHECK (holds IN ('held', 'final', 'released'));
CREATE INDEX orders_by_user_status ON orders (user_id, status, created_at DESC);
CREATE INDEX orders_open ON orders (created_at) WHERE status = 'awaiting_payment';

-- Uses held or redeemed, all users and per user: an order takes a use with
-- UPDATE ... WHERE uses_count < usage_limit_total (never read-check-write).
ALTER TABLE coupons ADD COLUMN uses_count BIGINT NOT NULL DEFAULT 0 CHECK (uses_count >= 0);
UPDATE coupons c SET uses_count = (SELECT count(*) FROM coupon_redemptions r
                                   WHERE r.code = c.code AND r.status IN ('held', 'redeemed'));
CREATE TABLE coupon_user_uses (
  code     TEXT NOT NULL REFERENCES coupons (code),
  user_id  TEXT NOT NULL,
  uses     BIGINT NOT NULL CHECK (uses >= 0),
  PRIMARY KEY (code, user_id)
);
INSERT INTO coupon_user_uses (code, user_id, uses)
  SELECT code, user_id, count(*) FROM coupon_redemptions
  WHERE status IN ('held', 'redeemed') GROUP BY code, user_id;

-- The reaper deletes keys whose 24 hours are over.
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
