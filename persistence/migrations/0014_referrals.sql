-- CONTRACT §16: referrals. A user's referral code is a coupon of theirs
-- (referrer_id) that anyone else may apply to a first order; the reward for a
-- paid order with it is a single-use coupon only the referrer may use
-- (reserved_for).
ALTER TABLE coupons ADD COLUMN referrer_id TEXT;
ALTER TABLE coupons ADD COLUMN reserved_for TEXT;
CREATE UNIQUE INDEX coupons_one_referral_code ON coupons (referrer_id)
  WHERE referrer_id IS NOT NULL;

-- One row per order placed with a referral code, written with the order; its
-- reward coupon once that order is paid (at most one: the column is set once).
CREATE TABLE referrals (
  order_token      UUID PRIMARY KEY REFERENCES orders (token),
  code             TEXT NOT NULL REFERENCES coupons (code),
  referrer_id      TEXT NOT NULL,
  referred_user_id TEXT NOT NULL,
  reward_coupon    TEXT REFERENCES coupons (code),
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  rewarded_at      TIMESTAMPTZ
);
CREATE INDEX referrals_by_referrer ON referrals (referrer_id, created_at DESC);
CREATE INDEX referrals_by_time ON referrals (created_at DESC);
