"""Packaging beside pyproject.toml: the one thing it cannot say there.

The connector's pages, schemas and default settings sit at the top of the repository
(``templates/``, ``xml_schemas/``, ``config/``); the wheel carries each inside the package as
``punchout/<folder>``, where :mod:`punchout.resources` finds them once installed. Everything
else (metadata, dependencies, which files of each folder ship) is in pyproject.toml.
"""

from setuptools import find_packages, setup

SHIPPED_FOLDERS = {f"punchout.{name}": name for name in ("templates", "xml_schemas", "config")}

setup(
    packages=[*find_packages(include=["punchout", "punchout.*"]), *SHIPPED_FOLDERS],
    package_dir=SHIPPED_FOLDERS,
)
