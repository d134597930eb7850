"""How the connector runs: settings, Redis store, the wiring (connector), the production
server, logs, metrics and alerts."""
