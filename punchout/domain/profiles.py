"""Dialect profiles: what a buyer's procurement system expects, as a named set of defaults.

Each profile is a TOML file shipped in ``config/profiles/`` (``ariba``, ``coupa``,
``jaggaer``, ``oracle``, ``sap-srm``, ``sap-s4``, ``generic``); its comments give the public
source of each rule. A profile has three parts:

- ``[defaults]``: buyer-registry keys (cart transport, identity chain, what to do when the
  system sends no user, unit map, description length and charset, ReturnFrame handling,
  timestamps, operations, OCI field names). A buyer that names the profile gets them; any key
  in the buyer's own table overrides the profile's.
- ``[[admin]]``: the fields the system's admin screen asks for, in its own words, with the
  value to type in each (``punchout buyers show`` prints them).
- ``title``, ``protocol`` and ``screen``: the system's name, its protocol and where the screen is.
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from punchout import resources
from punchout.protocol.oci import PLAIN, cut

PROFILE_NAMES = ("ariba", "coupa", "jaggaer", "oracle", "sap-srm", "sap-s4", "generic")
DEFAULT_PROFILE = "generic"


@dataclass(frozen=True)
class AdminField:
    """One field of the system's admin screen: its label there, and what to type in it."""

    label: str
    value: str


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    protocol: str
    screen: str
    defaults: Mapping[str, Any]
    admin: tuple[AdminField, ...]


#: A setup that names no user: "refuse" it (400, saying what to send) or open the
#: organisation's one "shared" account for it.
NO_USER_POLICIES = ("refuse", "shared")
DESCRIPTION_CHARSETS = ("utf-8", "iso-8859-1", "us-ascii")
#: Cart timestamps: the connector's local offset, or UTC written ``+00:00`` (never ``Z``).
TIMESTAMPS = ("local", "utc")


@dataclass(frozen=True)
class Dialect:
    """A buyer's system's rules beyond the protocol, from its profile and its own table."""

    #: What to do with a setup that names no user (see :data:`NO_USER_POLICIES`).
    no_user: str = "refuse"
    #: The price book's UN/CEFACT unit codes to the codes the buyer's system expects.
    unit_map: tuple[tuple[str, str], ...] = ()
    #: The longest cart line description the buyer's system keeps (0: no limit).
    description_max_length: int = 0
    #: The characters a cart line description may use (see :data:`DESCRIPTION_CHARSETS`).
    description_charset: str = "utf-8"
    #: Whether a setup's ReturnFrame extrinsic names the frame the cart is posted into.
    return_frame: bool = True
    #: How the cart's timestamp is written (see :data:`TIMESTAMPS`).
    timestamps: str = "local"

    def unit(self, code: str) -> str:
        """The buyer's system's code for the price book's UN/CEFACT unit ``code``."""
        return self._units.get(code, code)

    @cached_property
    def _units(self) -> dict[str, str]:
        """:attr:`unit_map` as a mapping, made once: every cart line asks for its unit."""
        return dict(self.unit_map)

    def description(self, text: str, *, ascii_only: bool = False) -> str:
        """``text`` within the system's length and charset (US-ASCII when ``ascii_only``)."""
        charset = "us-ascii" if ascii_only else self.description_charset
        if charset != "utf-8":
            text = text.translate(PLAIN)
            if not _encodes(text, charset):  # only then is each character looked at
                text = "".join(_in_charset(ch, charset) for ch in text)
            text = " ".join(text.split())
        if self.description_max_length:
            text = cut(text, self.description_max_length)
        return text


#: Letters that decompose to no ASCII letters, spelt out.
_SPELT = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "ł": "l",
     "Ł": "L", "đ": "d", "Đ": "D", "€": "EUR", "£": "GBP", "©": "(c)", "®": "(R)",
     "™": "(TM)", "°": " deg"}
)  # fmt: skip


def _in_charset(ch: str, charset: str) -> str:
    """``ch`` if ``charset`` has it, else its plain spelling (accents dropped, ß as ss)."""
    try:
        ch.encode(charset)
        return ch
    except UnicodeEncodeError:
        pass
    spelt = unicodedata.normalize("NFKD", ch.translate(_SPELT))
    return "".join(c for c in spelt if not unicodedata.combining(c) and _encodes(c, charset))


def _encodes(text: str, charset: str) -> bool:
    try:
        text.encode(charset)
    except UnicodeEncodeError:
        return False
    return True


def read_dialect(raw: Mapping[str, Any], where: str, problems: list[str]) -> Dialect:
    """The dialect keys of a buyer's table (profile merged in); problems are appended."""
    defaults = Dialect()

    def choice(name: str, allowed: tuple[str, ...]) -> str:
        value = raw.get(name, getattr(defaults, name))
        if value not in allowed:
            problems.append(f"{where}.{name} must be one of {', '.join(allowed)}, not {value!r}")
            return str(getattr(defaults, name))
        return str(value)

    units = raw.get("unit_map", {})
    if not isinstance(units, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in units.items()
    ):
        problems.append(f"{where}.unit_map must map unit codes to non-empty unit codes")
        units = {}
    length = raw.get("description_max_length", 0)
    if isinstance(length, bool) or not isinstance(length, int) or length < 0:
        problems.append(f"{where}.description_max_length must be a whole number, 0 or more")
        length = 0
    frame = raw.get("return_frame", True)
    if not isinstance(frame, bool):
        problems.append(f"{where}.return_frame must be true or false")
        frame = True
    return Dialect(
        no_user=choice("no_user", NO_USER_POLICIES),
        unit_map=tuple(sorted((k.strip(), v.strip()) for k, v in units.items())),
        description_max_length=length,
        description_charset=choice("description_charset", DESCRIPTION_CHARSETS),
        return_frame=frame,
        timestamps=choice("timestamps", TIMESTAMPS),
    )


class ProfileError(ValueError):
    """A shipped profile file that cannot be used (a packaging defect, not a buyer's)."""


@cache
def profiles() -> dict[str, Profile]:
    """Every shipped profile, by name, read once."""
    return {name: _load(name) for name in PROFILE_NAMES}


def get_profile(name: str) -> Profile | None:
    return profiles().get(name)


def apply_profile(profile: Profile, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The buyer's table with the profile's defaults under it (tables merged key by key)."""
    merged: dict[str, Any] = dict(profile.defaults)
    for key, value in raw.items():
        below = merged.get(key)
        if isinstance(below, dict) and isinstance(value, dict):
            merged[key] = {**below, **value}
        else:
            merged[key] = value
    return merged


def _load(name: str) -> Profile:
    path = resources.PROFILES / f"{name}.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        admin = tuple(AdminField(str(f["label"]), str(f["value"])) for f in data.get("admin", []))
        return Profile(
            name=name,
            title=str(data["title"]),
            protocol=str(data["protocol"]),
            screen=str(data["screen"]),
            defaults=dict(data.get("defaults", {})),
            admin=admin,
        )
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise ProfileError(f"profile {name} ({path}) cannot be used: {exc}") from exc
