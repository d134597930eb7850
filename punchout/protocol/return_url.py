"""The one check of where a cart may be sent: a cXML BrowserFormPost or an OCI HOOK_URL.

The cart leaves through the user's browser, so what matters is the host the *browser* posts
to, not what a lenient parser makes of the text. Browsers read URLs by the WHATWG URL
Standard: a backslash is a slash (``https://evil.example\\@buyer.example/`` goes to
evil.example), tabs and newlines vanish, hosts are percent-decoded, IDNA-mapped and
lower-cased, IPv4 numbers in any notation are normalised. The URL is therefore parsed by a
conformant WHATWG parser (ada), and the cart is only ever posted to the normalised ``href``
that was checked, never to the raw text.

Refused: anything that is not http(s); a user name or password (a return URL never has one);
plain http except to a loopback address or for a buyer's test system
(``allow_http_return``); a host not on the buyer's list. The list holds exact host names
or ``*.example.com`` for any subdomain of example.com (never example.com itself, never
``evilexample.com``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from ipaddress import ip_address

from ada_url import URL, idna_to_ascii

#: Longer return URLs are refused outright (browsers and buyers' systems use far shorter).
MAX_URL_LENGTH = 8_192


class ReturnUrlRefused(ValueError):
    """The URL may not receive carts; the text says why (for the operator's log)."""


@dataclass(frozen=True)
class ReturnUrl:
    """A return URL as a browser reads it: ``href`` is what the cart is posted to."""

    href: str
    scheme: str
    host: str


def browser_url(text: str) -> ReturnUrl:
    """``text`` read as a browser reads it, or :class:`ReturnUrlRefused`."""
    if len(text) > MAX_URL_LENGTH:
        raise ReturnUrlRefused(f"the URL is longer than {MAX_URL_LENGTH} characters")
    if "\x00" in text:  # the parser reads C strings; a browser would keep what follows
        raise ReturnUrlRefused("the URL contains a NUL character")
    try:
        url = URL(text)
    except ValueError:
        raise ReturnUrlRefused("the URL cannot be parsed") from None
    scheme = url.protocol.rstrip(":")
    if scheme not in ("http", "https"):
        raise ReturnUrlRefused(f"the URL's scheme {scheme!r} is not http or https")
    if url.username or url.password:
        raise ReturnUrlRefused("the URL carries a user name or password")
    host = url.hostname
    if not host:
        raise ReturnUrlRefused("the URL has no host")
    return ReturnUrl(href=url.href, scheme=scheme, host=host)


def check_return_url(text: str, allowed_hosts: Iterable[str], *, allow_http: bool = False) -> str:
    """The normalised ``href`` of ``text`` if carts may go there, else ReturnUrlRefused."""
    url = browser_url(text)
    host = _dns_name(url.host)
    if url.scheme == "http" and not (allow_http or _is_loopback(host)):
        raise ReturnUrlRefused(f"plain http to {host} is not accepted; use https")
    if not any(_matches(host, pattern) for pattern in allowed_hosts):
        raise ReturnUrlRefused(f"the host {host} is not on the buyer's list")
    return url.href


def _dns_name(host: str) -> str:
    """The host for comparison: one trailing dot (the DNS root) names the same host."""
    return host[:-1] if host.endswith(".") and not host.endswith("..") else host


def _matches(host: str, pattern: str) -> bool:
    pattern = pattern.strip().lower()
    if _is_ip(pattern):  # an address matches itself however it is written ([::1] or ::1)
        return _is_ip(host) and ip_address(host.strip("[]")) == ip_address(pattern.strip("[]"))
    wildcard = pattern.startswith("*.")
    name = _normalised_pattern(pattern[2:] if wildcard else pattern)
    if not name:
        return False
    if not wildcard:
        return host == name
    return host.endswith("." + name) and not _is_ip(host)


def _normalised_pattern(name: str) -> str:
    """An allowlist entry in the form browsers give hosts (IDNA A-labels, no root dot)."""
    try:
        ascii_name = idna_to_ascii(name)
    except ValueError:
        return ""
    text = ascii_name.decode() if isinstance(ascii_name, bytes) else str(ascii_name)
    return _dns_name(text.lower())


def _is_ip(host: str) -> bool:
    try:
        ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
