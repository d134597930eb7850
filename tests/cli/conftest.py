"""The live connector of the web tests (real Redis, the sandbox over real HTTP) for the
command tests too."""

from tests.web.conftest import connector, make_connector

__all__ = ["connector", "make_connector"]
