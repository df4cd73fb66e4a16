-- Issue 12, "safe to expose" (CONTRACT §13).

-- The audit of admin actions: one row per change an admin made (catalog and
-- coupon changes, refunds, DLQ replays), written in the same transaction as
-- the change wherever the change is a database write, so a change cannot exist
-- without its row. Listed newest first by id (GET /admin/audit), which is also
-- the keyset the cursor continues after. `action` is a stable name from the
-- code (actors/audit/audit_log.hpp), not checked here, so that a new kind of
-- action needs no migration; `detail` is what the request changed, never a
-- secret.
CREATE TABLE admin_audit (
  id              BIGSERIAL PRIMARY KEY,
  at              TIMESTAMPTZ NOT NULL DEFAULT now(),
  admin_sub       TEXT NOT NULL,
  action          TEXT NOT NULL,
  target          TEXT NOT NULL,
  correlation_id  TEXT NOT NULL DEFAULT '',
  detail          JSONB NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(detail) = 'object')
);

-- Retention of carts (actors/cart/cart_cleanup.cpp): each step walks one of
-- these in expiry order, a bounded batch at a time, instead of scanning the
-- whole table every run. The first finds carts to mark expired; the next two
-- find carts still holding analytics data or a device id past the retention
-- (expired carts by expires_at, converted ones by when they were converted);
-- the last finds expired carts to delete.
CREATE INDEX carts_active_by_expiry ON carts (expires_at) WHERE status = 'active';
CREATE INDEX carts_expired_with_data ON carts (expires_at)
  WHERE status = 'expired' AND (analytics_data IS NOT NULL OR device_id IS NOT NULL);
CREATE INDEX carts_converted_with_data ON carts (updated_at)
  WHERE status = 'converted' AND (analytics_data IS NOT NULL OR device_id IS NOT NULL);
CREATE INDEX carts_expired_by_expiry ON carts (expires_at) WHERE status = 'expired';
