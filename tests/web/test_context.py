"""The one accessor of the connector: only an app built around a connector has one."""

from __future__ import annotations

import pytest
from flask import Flask

from punchout.web.context import connector_of


def test_an_app_not_built_by_the_factory_has_no_connector() -> None:
    with pytest.raises(TypeError, match="'elsewhere' is not a connector app"):
        connector_of(Flask("elsewhere"))
