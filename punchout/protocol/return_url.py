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
from functools import lru_cache
from ipaddress import IPv4Address, IPv6Address, ip_address

from ada_url import idna_to_ascii, parse_url

Address = IPv4Address | IPv6Address

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
        # Only the parts checked, read in one call (ada_url's parse_url, "attributes").
        url = parse_url(text, attributes=_PARTS)
    except ValueError:
        raise ReturnUrlRefused("the URL cannot be parsed") from None
    scheme = str(url["protocol"]).rstrip(":")
    if scheme not in ("http", "https"):
        raise ReturnUrlRefused(f"the URL's scheme {scheme!r} is not http or https")
    if url["username"] or url["password"]:
        raise ReturnUrlRefused("the URL carries a user name or password")
    host = str(url["hostname"])
    if not host:
        raise ReturnUrlRefused("the URL has no host")
    return ReturnUrl(href=str(url["href"]), scheme=scheme, host=host)


#: The parts of a parsed URL the check reads.
_PARTS = ("protocol", "username", "password", "hostname", "href")


def check_return_url(text: str, allowed_hosts: Iterable[str], *, allow_http: bool = False) -> str:
    """The normalised ``href`` of ``text`` if carts may go there, else ReturnUrlRefused."""
    url = browser_url(text)
    host = _dns_name(url.host)
    address = _address(host)
    if url.scheme == "http" and not (allow_http or _is_loopback(host, address)):
        raise ReturnUrlRefused(f"plain http to {host} is not accepted; use https")
    if not any(_matches(host, address, pattern) for pattern in allowed_hosts):
        raise ReturnUrlRefused(f"the host {host} is not on the buyer's list")
    return url.href


def _dns_name(host: str) -> str:
    """The host for comparison: one trailing dot (the DNS root) names the same host."""
    return host[:-1] if host.endswith(".") and not host.endswith("..") else host


def _matches(host: str, address: Address | None, pattern: str) -> bool:
    """Whether ``host`` (``address`` when it is an IP address) is what ``pattern`` allows."""
    entry = _allowlist_entry(pattern)
    if entry is None:
        return False
    if isinstance(entry, IPv4Address | IPv6Address):
        # an address matches itself however it is written ([::1] or ::1)
        return address is not None and address == entry
    name, wildcard = entry
    if not wildcard:
        return host == name
    return host.endswith("." + name) and address is None


@lru_cache(maxsize=1024)
def _allowlist_entry(pattern: str) -> Address | tuple[str, bool] | None:
    """An allowlist entry as it is compared: an address, or (host name, whether it stands for
    any subdomain of it); None when it names nothing. Read once per entry: the registry's
    entries are few and every setup compares against them."""
    pattern = pattern.strip().lower()
    address = _address(pattern)
    if address is not None:
        return address
    wildcard = pattern.startswith("*.")
    name = _normalised_pattern(pattern[2:] if wildcard else pattern)
    return (name, wildcard) if name else None


def _normalised_pattern(name: str) -> str:
    """An allowlist entry in the form browsers give hosts (IDNA A-labels, no root dot)."""
    try:
        ascii_name = idna_to_ascii(name)
    except ValueError:
        return ""
    text = ascii_name.decode() if isinstance(ascii_name, bytes) else str(ascii_name)
    return _dns_name(text.lower())


def _address(host: str) -> Address | None:
    """``host`` as an IP address (bracketed or not), None when it is a name."""
    try:
        return ip_address(host.strip("[]"))
    except ValueError:
        return None


def _is_loopback(host: str, address: Address | None) -> bool:
    return host == "localhost" or (address is not None and address.is_loopback)
