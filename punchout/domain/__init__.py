"""What the connector knows and decides: buyers, price book, keys, identities, sessions, the
punch-out setup, the cart and the purchase orders."""
