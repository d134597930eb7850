"""Benchmarks of the connector's hot paths (not part of the test suite): see run.py."""
