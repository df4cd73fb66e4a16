-- Coupons and sales (CONTRACT §4) and the uses orders make of them. Money is
-- BIGINT minor units; NULL means "none" (no end, no limit, no cap).

CREATE TABLE coupons (
  -- Stored upper-case, so codes are case-insensitive by construction.
  code                  TEXT PRIMARY KEY
                          CHECK (code ~ '^[A-Z0-9_-]{1,64}$'),
  type                  TEXT NOT NULL CHECK (type IN ('percentage', 'fixed', 'free', 'tiered')),
  value                 BIGINT NOT NULL DEFAULT 0 CHECK (value >= 0),
  currency              CHAR(3),
  -- [{"min_quantity": 3, "percentage": 10}, ...] for tiered coupons.
  tiers                 JSONB NOT NULL DEFAULT '[]',
  max_discount          BIGINT CHECK (max_discount > 0),
  min_order_value       BIGINT CHECK (min_order_value > 0),
  valid_from            TIMESTAMPTZ,
  valid_until           TIMESTAMPTZ,
  usage_limit_total     BIGINT CHECK (usage_limit_total > 0),
  usage_limit_per_user  BIGINT CHECK (usage_limit_per_user > 0),
  internship_ids        TEXT[] NOT NULL DEFAULT '{}',
  categories            TEXT[] NOT NULL DEFAULT '{}',
  combinable            BOOLEAN NOT NULL DEFAULT FALSE,
  first_order_only      BOOLEAN NOT NULL DEFAULT FALSE,
  -- A cart created with this slug gets the coupon automatically: one per slug.
  sale_slug             TEXT UNIQUE,
  active                BOOLEAN NOT NULL DEFAULT TRUE,
  created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK (type <> 'percentage' OR value BETWEEN 1 AND 100),
  CHECK (type <> 'fixed' OR (value >= 1 AND currency IS NOT NULL))
);

-- One row per coupon an order uses: 'held' while the order awaits payment,
-- 'redeemed' once it is paid, 'released' when it expires. Limits count held and
-- redeemed rows, so concurrent checkouts cannot exceed them.
CREATE TABLE coupon_redemptions (
  code         TEXT NOT NULL REFERENCES coupons (code),
  order_token  UUID NOT NULL REFERENCES orders (token),
  user_id      TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('held', 'redeemed', 'released')),
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (code, order_token)
);
-- Per-user counts (usage_limit_per_user); total counts use the primary key.
CREATE INDEX coupon_redemptions_by_user ON coupon_redemptions (code, user_id)
  WHERE status IN ('held', 'redeemed');
