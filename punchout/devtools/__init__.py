"""Development tools, not the product: the PrintNow sandbox, the buyer simulator and the demo
that starts them beside the connector."""
