"""The runtime's tests that watch the connector as it serves (observability) use the live
connector of the web tests."""

from tests.web.conftest import connector, make_connector

__all__ = ["connector", "make_connector"]
