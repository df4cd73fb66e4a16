-- Webhook inbox (issue 5): an event is stored, with everything needed to apply
-- it, before the gateway gets its 200; it is applied to the order afterwards
-- and marked applied in the same transaction as the order's change. Rows still
-- unapplied (a crash, a busy order) are re-applied by the inbox worker.
ALTER TABLE webhook_events
  ADD COLUMN kind TEXT NOT NULL DEFAULT 'none'
    CHECK (kind IN ('none', 'captured', 'failed', 'refunded')),
  ADD COLUMN note TEXT NOT NULL DEFAULT '',
  ADD COLUMN payment_token TEXT NOT NULL DEFAULT '',
  ADD COLUMN gateway_order_id TEXT NOT NULL DEFAULT '',
  ADD COLUMN payment_id TEXT NOT NULL DEFAULT '',
  ADD COLUMN amount BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN currency TEXT NOT NULL DEFAULT '',
  ADD COLUMN reason TEXT NOT NULL DEFAULT '',
  ADD COLUMN correlation_id TEXT NOT NULL DEFAULT '',
  ADD COLUMN occurred_at TIMESTAMPTZ,
  ADD COLUMN applied_at TIMESTAMPTZ,
  ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
-- Rows written before the inbox existed were applied when they were written.
UPDATE webhook_events SET applied_at = received_at WHERE applied_at IS NULL;
CREATE INDEX webhook_events_unapplied ON webhook_events (received_at) WHERE applied_at IS NULL;
-- Mismatches are kept for review (GET /admin/webhooks?result=amount_mismatch).
CREATE INDEX webhook_events_by_result ON webhook_events (result, received_at DESC);

-- The sweeper re-publishes an order's own order.paid row; finding it by order
-- needs the token outside the JSON body.
ALTER TABLE outbox ADD COLUMN order_token UUID;
UPDATE outbox SET order_token = (body::jsonb ->> 'order_token')::uuid
  WHERE body::jsonb ->> 'order_token' ~ '^[0-9a-fA-F-]{36}$';
CREATE INDEX outbox_by_order ON outbox (order_token, event_type);

-- Paid orders waiting for their enrollments, oldest first (the sweeper). Each
-- re-publication is recorded, so an order is re-published at most once per
-- grace period and a few times in all (then it is an operator's, via the DLQ).
CREATE INDEX orders_paid ON orders (updated_at) WHERE status = 'paid';
ALTER TABLE orders ADD COLUMN reconciled_at TIMESTAMPTZ;
ALTER TABLE orders ADD COLUMN reconcile_count INTEGER NOT NULL DEFAULT 0;
