-- Issue 15, the operator console: GET /api/v1/admin/webhooks lists the inbox
-- newest first, a page at a time, continuing after (received_at, gateway,
-- event_id). The inbox already stores all it shows (gateway, event id and
-- type, result, order, received_at; 0001 and 0005), so intake writes nothing
-- more; this index serves the order and the keyset condition, backwards.
CREATE INDEX webhook_events_recent ON webhook_events (received_at, gateway, event_id);
