"""What an operator sees of a running connector: JSON logs, request ids, Prometheus metrics."""
