-- What a keyed POST /cart did, written in the same transaction as the cart
-- change itself (issue 5's kill -9 test found the gap): a request killed after
-- its change committed but before its answer was stored under the key left
-- nothing to say so, and the retry merged the products a second time. The
-- retry now finds the effect here and answers with that cart instead.
CREATE TABLE cart_key_effects (
  user_id     TEXT NOT NULL,   -- '' for guests (they share one key scope)
  key         TEXT NOT NULL,
  cart_token  UUID NOT NULL,
  created     BOOLEAN NOT NULL,  -- the request made the cart (201) or merged into it (200)
  at          TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, key)
);
CREATE INDEX cart_key_effects_at ON cart_key_effects (at);
