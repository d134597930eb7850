"""The keys of a buyer's table that `punchout buyers set` changes, and how their text is read.

Every key the connector reads from a buyer's table (see config/buyers.example.toml) is here
with its kind, so ``KEY=VALUE`` on the command line becomes the TOML value the registry
loader expects; the loader itself then validates the whole table (allowed values, the
profile, the credentials). The secrets are not here: they change only through
`punchout buyers rotate-secret`, which shows the new one once.
"""

from __future__ import annotations

from typing import Any

from punchout.protocol.numbers import BadNumber, parse_int
from punchout.protocol.return_url import ReturnUrlRefused, browser_url

#: Key -> kind: "text", "bool", "int", "list" (comma separated), "hosts" (a list of return
#: hosts), "credentials" (DOMAIN:IDENTITY, comma separated) or "map" (``unit_map.C62=EA``).
KEYS: dict[str, str] = {
    "name": "text",
    "profile": "text",
    "enabled": "bool",
    "protocols": "list",
    "storefront_id": "int",
    "user_policy": "text",
    "price_book": "text",
    "cart_transport": "text",
    "return_hosts": "hosts",
    "quantity_changes": "text",
    "allow_http_return": "bool",
    "operations": "list",
    "identity_chain": "list",
    "price_tolerance": "text",
    "cancel_status": "text",
    "no_user": "text",
    "description_max_length": "int",
    "description_charset": "text",
    "return_frame": "bool",
    "timestamps": "text",
    "unit_map": "map",
    "credentials": "credentials",
    "oci.username": "text",
    "oci.username_field": "text",
    "oci.password_field": "text",
    "oci.hook_field": "text",
    "oci.user_fields": "list",
    "oci.cust_fields": "list",
}

_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


class BadSetting(ValueError):
    """``KEY=VALUE`` cannot be used; the text says why in one line."""


def key_kind(key: str) -> str:
    """The kind of ``key`` (``unit_map.C62`` is a "map" entry), or BadSetting."""
    if key.startswith("unit_map.") and len(key) > len("unit_map."):
        return "map-entry"
    kind = KEYS.get(key)
    if kind is None or kind == "map":
        known = ", ".join(k for k in KEYS if k != "unit_map")
        raise BadSetting(f"{key!r} is not a buyer setting; settings: {known}, unit_map.CODE")
    return kind


def parse_value(key: str, text: str) -> Any:
    """The TOML value for ``key`` from the command line's ``text``; None for an empty text,
    which removes the key (the profile's or the connector's default applies again)."""
    kind = key_kind(key)
    text = text.strip()
    if not text:
        return None
    if kind in ("text", "map-entry"):
        return text
    if kind == "bool":
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise BadSetting(f"{key} must be true or false, not {text!r}")
    if kind == "int":
        try:
            return parse_int(text, field=key, maximum=10**9)
        except BadNumber as exc:
            raise BadSetting(str(exc)) from None
    items = [part.strip() for part in text.split(",") if part.strip()]
    if kind == "hosts":
        return [return_host(item) for item in items]
    if kind == "credentials":
        pairs = []
        for item in items:
            domain, _, identity = item.partition(":")
            if not domain.strip() or not identity.strip():
                raise BadSetting(f"credentials: {item!r} must look like DOMAIN:IDENTITY")
            pairs.append({"domain": domain.strip(), "identity": identity.strip()})
        return pairs
    return items


def return_host(text: str) -> str:
    """A ``return_hosts`` entry as browsers name the host: ``buyer.example.com`` or
    ``*.example.com``; a URL, a path or a port is refused with what to give instead."""
    raw = text.strip()
    wildcard = raw.startswith("*.")
    name = raw[2:] if wildcard else raw
    hint = "give only the host name, e.g. buyer.example.com or *.example.com"
    if not name or any(c in name for c in "/:@?#\\ *"):
        raise BadSetting(f"{text!r} is not a host: {hint} (no https://, path or port)")
    try:
        url = browser_url(f"https://{name}/")
    except ReturnUrlRefused as exc:
        raise BadSetting(f"{text!r} is not a host: {exc}") from None
    if url.host != name.lower().rstrip("."):
        raise BadSetting(f"{text!r} is read by browsers as {url.host}: {hint}")
    return ("*." if wildcard else "") + url.host
