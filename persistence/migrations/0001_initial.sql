-- The first schema: every table of the paid-checkout slice. Money is BIGINT minor units.

CREATE TABLE internships (
  id            TEXT PRIMARY KEY,
  title         TEXT NOT NULL,
  category      TEXT NOT NULL,
  price         BIGINT NOT NULL CHECK (price >= 0),
  currency      CHAR(3) NOT NULL,
  seats_total   INTEGER CHECK (seats_total IS NULL OR seats_total >= 0),
  seats_taken   INTEGER NOT NULL DEFAULT 0 CHECK (seats_taken >= 0),
  plans         JSONB NOT NULL DEFAULT '[]',
  active        BOOLEAN NOT NULL DEFAULT TRUE,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX internships_category ON internships (category, id);

CREATE TABLE carts (
  token          UUID PRIMARY KEY,
  user_id        TEXT,
  status         TEXT NOT NULL CHECK (status IN ('active', 'converted', 'expired')),
  currency       CHAR(3) NOT NULL,
  -- The cart's whole state (items, coupons, billing) as the cart actor keeps it.
  state          JSONB NOT NULL,
  version        BIGINT NOT NULL DEFAULT 1,
  sale_slug      TEXT,
  device_id      TEXT,
  analytics_data JSONB,
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at     TIMESTAMPTZ NOT NULL
);
-- An authenticated user has at most one active cart.
CREATE UNIQUE INDEX carts_one_active_per_user ON carts (user_id)
  WHERE status = 'active' AND user_id IS NOT NULL;

CREATE TABLE orders (
  token            UUID PRIMARY KEY,
  user_id          TEXT NOT NULL,
  cart_token       UUID NOT NULL REFERENCES carts (token),
  idempotency_key  TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN
                     ('awaiting_payment', 'paid', 'completed', 'failed', 'expired', 'refunded')),
  currency         CHAR(3) NOT NULL,
  subtotal         BIGINT NOT NULL,
  discount_amount  BIGINT NOT NULL,
  tax_amount       BIGINT NOT NULL,
  total            BIGINT NOT NULL,
  pricing          JSONB NOT NULL,
  version          BIGINT NOT NULL DEFAULT 1,
  expires_at       TIMESTAMPTZ NOT NULL,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- One order per cart, and one per (user, key): a retried request can never
  -- create a second order.
  UNIQUE (cart_token),
  UNIQUE (user_id, idempotency_key)
);
CREATE INDEX orders_by_user ON orders (user_id, created_at DESC);
CREATE INDEX orders_awaiting ON orders (expires_at) WHERE status IN ('awaiting_payment', 'failed');

CREATE TABLE order_items (
  order_token      UUID NOT NULL REFERENCES orders (token),
  line_no          INTEGER NOT NULL,
  internship_id    TEXT NOT NULL REFERENCES internships (id),
  period           TEXT,
  quantity         INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 100),
  unit_price       BIGINT NOT NULL,
  base_price       BIGINT NOT NULL,
  discount_amount  BIGINT NOT NULL,
  tax_amount       BIGINT NOT NULL,
  total            BIGINT NOT NULL,
  PRIMARY KEY (order_token, line_no)
);

CREATE TABLE order_history (
  id           BIGSERIAL PRIMARY KEY,
  order_token  UUID NOT NULL REFERENCES orders (token),
  status       TEXT NOT NULL,
  reason       TEXT NOT NULL DEFAULT '',
  at           TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX order_history_by_order ON order_history (order_token, id);

CREATE TABLE payment_attempts (
  token             UUID PRIMARY KEY,
  order_token       UUID NOT NULL REFERENCES orders (token),
  attempt_no        INTEGER NOT NULL,
  gateway           TEXT NOT NULL,
  gateway_order_id  TEXT NOT NULL,
  gateway_payment_id TEXT,
  checkout_url      TEXT NOT NULL,
  amount            BIGINT NOT NULL,
  currency          CHAR(3) NOT NULL,
  status            TEXT NOT NULL CHECK (status IN ('created', 'captured', 'failed', 'expired', 'refunded')),
  expires_at        TIMESTAMPTZ NOT NULL,
  created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (order_token, attempt_no),
  UNIQUE (gateway, gateway_order_id)
);

-- Stored responses of requests made with an Idempotency-Key (24 h).
CREATE TABLE idempotency_keys (
  user_id        TEXT NOT NULL,
  scope          TEXT NOT NULL,       -- which route family, e.g. 'orders'
  key            TEXT NOT NULL,
  request_hash   TEXT NOT NULL,
  state          TEXT NOT NULL CHECK (state IN ('in_progress', 'done')),
  locked_until   TIMESTAMPTZ NOT NULL,
  response_status INTEGER,
  response_body  TEXT,
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at     TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (user_id, scope, key)
);

-- The inbox: one row per gateway event id, so an event is applied once.
CREATE TABLE webhook_events (
  gateway       TEXT NOT NULL,
  event_id      TEXT NOT NULL,
  event_type    TEXT NOT NULL,
  order_token   UUID,
  result        TEXT NOT NULL,   -- applied | ignored | amount_mismatch | unknown_order
  received_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (gateway, event_id)
);

-- The outbox: written in the same transaction as the state change it reports;
-- the relay publishes it and marks it after the broker's confirm.
CREATE TABLE outbox (
  id              BIGSERIAL PRIMARY KEY,
  event_id        UUID NOT NULL UNIQUE,
  event_type      TEXT NOT NULL,          -- also the routing key
  correlation_id  TEXT NOT NULL DEFAULT '',
  body            TEXT NOT NULL,          -- the exact JSON message body
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  published_at    TIMESTAMPTZ
);
CREATE INDEX outbox_pending ON outbox (id) WHERE published_at IS NULL;

CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('outbox', '');
  RETURN NULL;
END $$;
CREATE TRIGGER outbox_inserted AFTER INSERT ON outbox
  FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

CREATE TABLE enrollments (
  enrollment_id  UUID PRIMARY KEY,
  user_id        TEXT NOT NULL,
  order_token    UUID NOT NULL REFERENCES orders (token),
  line_no        INTEGER NOT NULL,
  internship_id  TEXT NOT NULL REFERENCES internships (id),
  seats          INTEGER NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- Exactly one enrollment per order line, however often events arrive.
  UNIQUE (order_token, line_no)
);
CREATE INDEX enrollments_by_user ON enrollments (user_id, created_at);
