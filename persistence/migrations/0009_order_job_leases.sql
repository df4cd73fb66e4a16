-- Issue 14, several instances (CONTRACT §14).

-- Periodic work on an order that asks a gateway (the check before expiry,
-- the payment sync) runs on whichever instance takes the lease first: a
-- conditional update of these columns. Another instance scanning meanwhile
-- finds the lease held and leaves the order alone, so a gateway is asked
-- once. A lease ends by itself, so a crash mid-way delays the work, never
-- loses it. No version bump: a lease is not a change of the order.
ALTER TABLE orders
  ADD COLUMN expiry_lease_until TIMESTAMPTZ,
  ADD COLUMN sync_lease_until   TIMESTAMPTZ;
