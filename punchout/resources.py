"""Where the connector's own files are: ``templates/``, ``xml_schemas/`` and ``config/``.

In the repository they sit at the top, beside ``punchout/``. The wheel carries them inside the
package (``setup.py`` maps each folder to ``punchout/<folder>``), so an installed connector
finds them beside its modules. :data:`ROOT` is the one folder that holds all three: the
package's own folder when they were installed into it, otherwise its parent (a checkout run
from source or installed in editable mode). Every reader of these files goes through the
paths below; nothing else looks for them.

The devtools (the PrintNow sandbox and the buyer simulator) keep their own ``templates/`` and
``static/`` inside their packages: they are not part of the connector's pages.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent

#: The folder holding ``templates/``, ``xml_schemas/`` and ``config/``.
ROOT = _PACKAGE if (_PACKAGE / "config" / "defaults.toml").is_file() else _PACKAGE.parent

#: The connector's HTML pages (Jinja templates).
TEMPLATES = ROOT / "templates"
#: The stylesheet and scripts those pages load, served at ``/static/``.
STATIC = TEMPLATES / "static"
#: The project's own schemas for what it emits, and the official cXML DTD.
XML_SCHEMAS = ROOT / "xml_schemas"
#: The official cXML 1.2.071 DTD, unmodified, with its licence beside it.
CXML_DTD = XML_SCHEMAS / "cxml-1.2.071" / "cXML.dtd"
#: Default settings, example registry and price book, and the dialect profiles.
CONFIG = ROOT / "config"
#: The shipped defaults of every setting.
DEFAULTS = CONFIG / "defaults.toml"
#: One ``<name>.toml`` per buyer system's dialect profile.
PROFILES = CONFIG / "profiles"
#: The example price book (the demo's and the tests' price list).
EXAMPLE_PRICEBOOK = CONFIG / "pricebook.example.toml"
#: The example buyer registry.
EXAMPLE_BUYERS = CONFIG / "buyers.example.toml"
