"""The connector's web layer: one blueprint per area."""
