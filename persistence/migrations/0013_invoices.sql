-- CONTRACT §16: a tax invoice for each paid order and a credit note for each
-- refund of an invoiced order, numbered without gaps per financial year.

-- An internship's SAC code (NULL: the SAC_DEFAULT setting).
ALTER TABLE internships ADD COLUMN sac TEXT CHECK (sac IS NULL OR sac ~ '^[0-9]{6}$');

-- What the invoice says of the buyer and of each line, fixed when the order
-- was placed: billing name, GSTIN, country and state; each line's title, SAC
-- and taxes by rate. A catalog edit after the sale changes no invoice.
ALTER TABLE orders ADD COLUMN invoice_facts JSONB;

-- The last number given in each series ('INV/2026-27', 'CN/2026-27'). The row
-- is incremented in the transaction that writes the document, so a rollback
-- takes its number back and two instances queue on the row: no gap, no twin.
CREATE TABLE document_counters (
  series  TEXT PRIMARY KEY,
  last_no BIGINT NOT NULL CHECK (last_no > 0)
);

CREATE TABLE invoices (
  series      TEXT NOT NULL,
  seq         BIGINT NOT NULL,
  order_token UUID NOT NULL UNIQUE REFERENCES orders (token),
  issued_at   TIMESTAMPTZ NOT NULL,
  -- The seller as the settings named it when the invoice was issued.
  seller      JSONB NOT NULL,
  PRIMARY KEY (series, seq)
);

CREATE TABLE credit_notes (
  series      TEXT NOT NULL,
  seq         BIGINT NOT NULL,
  order_token UUID NOT NULL UNIQUE REFERENCES invoices (order_token),
  issued_at   TIMESTAMPTZ NOT NULL,
  reason      TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (series, seq)
);
