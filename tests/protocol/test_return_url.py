"""Where a cart may go: the host a browser will post to, on the buyer's list.

Each row is a URL as a buyer's system might send it, and what a browser does with it
(WHATWG URL Standard); the check must agree with the browser, not with a lenient parser.
"""

from __future__ import annotations

import pytest

from punchout.domain.buyer_checks import approved_return_url, return_host_allowed
from punchout.domain.buyers import BuyerRegistry
from punchout.protocol.return_url import ReturnUrlRefused, browser_url, check_return_url

HOSTS = ("acme.coupahost.com", "*.ariba.com", "127.0.0.1", "bücher.example")

# (url as sent, the href carts are posted to, or None when refused)
CASES = [
    # the plain cases
    ("https://acme.coupahost.com/return?x=1", "https://acme.coupahost.com/return?x=1"),
    ("https://s1.ariba.com/cart", "https://s1.ariba.com/cart"),
    ("https://ariba.com/cart", None),
    ("https://evil.com/?acme.coupahost.com", None),
    ("https://acme.coupahost.com.evil.com/", None),
    ("javascript:alert(1)", None),
    ("", None),
    ("not a url", None),
    # a backslash is a slash to a browser: the host is evil.example, not the text after @
    ("https://evil.example\\@acme.coupahost.com/return", None),
    ("https://evil.example\\@s1.ariba.com/return", None),
    ("https://evil.example\\.ariba.com/", None),
    ("https:\\\\evil.example\\@acme.coupahost.com/", None),
    # user names and passwords: never in a return URL
    ("https://evil.example@acme.coupahost.com/return", None),
    ("https://user:pass@acme.coupahost.com/return", None),
    ("https://acme.coupahost.com@evil.example/", None),
    # tabs and newlines vanish, surrounding spaces are trimmed
    ("https://acme.coupa\thost.com/r", "https://acme.coupahost.com/r"),
    ("https://acme.coupahost.com\n.evil.com/r", None),
    ("  https://acme.coupahost.com/r  ", "https://acme.coupahost.com/r"),
    ("https://ev\til.example\\@acme.coupahost.com/", None),
    # case, default ports, a trailing root dot, percent-encoding, IDNA
    ("HTTPS://ACME.CoupaHost.com:443/r", "https://acme.coupahost.com/r"),
    ("https://acme.coupahost.com:8443/r", "https://acme.coupahost.com:8443/r"),
    ("https://acme.coupahost.com./r", "https://acme.coupahost.com./r"),
    ("https://acme.coupahost.com../r", None),
    ("https://acme%2Ecoupahost%2Ecom/r", "https://acme.coupahost.com/r"),
    ("https://evil%2Eexample%40acme.coupahost.com/", None),
    ("https://bücher.example/r", "https://xn--bcher-kva.example/r"),
    ("https://xn--bcher-kva.example/r", "https://xn--bcher-kva.example/r"),
    ("https://BÜCHER.example/r", "https://xn--bcher-kva.example/r"),
    # the wildcard: subdomains only, never a name that merely ends the same
    ("https://evilariba.com/", None),
    ("https://a.b.ariba.com/", "https://a.b.ariba.com/"),
    ("https://ariba.com.evil.example/", None),
    # http: only to loopback (written any way a browser reads as 127.0.0.1)
    ("http://acme.coupahost.com/r", None),
    ("http://127.0.0.1:5001/return", "http://127.0.0.1:5001/return"),
    ("http://0x7f.0.0.1/return", "http://127.0.0.1/return"),
    ("http://2130706433/return", "http://127.0.0.1/return"),
    ("ftp://acme.coupahost.com/r", None),
    ("file:///etc/passwd", None),
    ("https://acme.coupahost.com\x00.evil.com/", None),
    ("https://acme.coupahost.com/" + "a" * 9000, None),
]


@pytest.mark.parametrize(("url", "href"), CASES)
def test_the_host_is_the_one_a_browser_posts_to(url: str, href: str | None) -> None:
    if href is None:
        with pytest.raises(ReturnUrlRefused):
            check_return_url(url, HOSTS)
    else:
        assert check_return_url(url, HOSTS) == href


def test_plain_http_only_for_a_buyers_test_system() -> None:
    url = "http://acme.coupahost.com/r"
    with pytest.raises(ReturnUrlRefused, match="http"):
        check_return_url(url, HOSTS)
    assert check_return_url(url, HOSTS, allow_http=True) == url


@pytest.mark.parametrize("entry", ["::1", "[::1]", "0:0:0:0:0:0:0:1"])
def test_an_address_on_the_list_matches_however_it_is_written(entry: str) -> None:
    assert check_return_url("http://[0::1]:5000/r", (entry,)) == "http://[::1]:5000/r"
    with pytest.raises(ReturnUrlRefused):
        check_return_url("http://[::2]:5000/r", (entry,))


def test_a_wildcard_never_matches_an_address() -> None:
    with pytest.raises(ReturnUrlRefused):
        check_return_url("https://10.0.0.1/", ("*.0.0.1",))


def test_the_browser_reading_is_what_is_returned() -> None:
    url = browser_url("HTTPS://evil.example\\@ACME.coupahost.com/r")
    assert (url.scheme, url.host) == ("https", "evil.example")
    assert url.href == "https://evil.example/@ACME.coupahost.com/r"


def test_the_buyer_registry_uses_the_same_check() -> None:
    registry = BuyerRegistry.from_dict(
        {
            "buyers": {
                "acme": {
                    "name": "Acme",
                    "storefront_id": 1,
                    "credentials": [{"domain": "DUNS", "identity": "1"}],
                    "return_hosts": list(HOSTS),
                }
            }
        }
    )
    buyer = registry.get("acme")
    assert buyer is not None
    bypass = "https://evil.example\\@acme.coupahost.com/return"
    assert not return_host_allowed(buyer, bypass)
    assert approved_return_url(buyer, bypass) is None
    assert approved_return_url(buyer, "HTTPS://ACME.coupahost.com/r") == (
        "https://acme.coupahost.com/r"
    )


# ---------------------------------------------------------------- the operator's log line


def _why(text: str, hosts: tuple[str, ...] = HOSTS, *, allow_http: bool = False) -> str:
    with pytest.raises(ReturnUrlRefused) as caught:
        check_return_url(text, hosts, allow_http=allow_http)
    return str(caught.value)


def test_each_refusal_says_why() -> None:
    assert _why("https://a.ariba.com/" + "x" * 8_192) == ("the URL is longer than 8192 characters")
    assert _why("https://s1.ariba.com/\x00.evil") == "the URL contains a NUL character"
    assert _why("not a url") == "the URL cannot be parsed"
    assert _why("ftp://s1.ariba.com/") == "the URL's scheme 'ftp' is not http or https"
    assert _why("javascript:alert(1)") == "the URL's scheme 'javascript' is not http or https"
    assert _why("https://user@s1.ariba.com/") == "the URL carries a user name or password"
    assert _why("https://:pw@s1.ariba.com/") == "the URL carries a user name or password"
    assert _why("http://s1.ariba.com/") == "plain http to s1.ariba.com is not accepted; use https"
    assert _why("https://evil.example/") == "the host evil.example is not on the buyer's list"


def test_the_length_limit_is_inclusive() -> None:
    base = "https://s1.ariba.com/"
    at_limit = base + "x" * (8_192 - len(base))
    assert check_return_url(at_limit, HOSTS) == at_limit
    assert _why(at_limit + "x") == "the URL is longer than 8192 characters"


def test_the_browser_reading_names_scheme_host_and_href() -> None:
    url = browser_url("HTTPS://S1.Ariba.COM:443/a b")
    assert (url.scheme, url.host, url.href) == (
        "https",
        "s1.ariba.com",
        "https://s1.ariba.com/a%20b",
    )
    assert browser_url("http://127.1/").host == "127.0.0.1"


@pytest.mark.parametrize(
    ("url", "allow_http"),
    [("http://localhost/r", False), ("http://127.0.0.1/r", False), ("http://[::1]/r", False),
     ("http://127.0.0.2/r", False), ("http://s1.ariba.com/r", True)],
)  # fmt: skip
def test_plain_http_to_loopback_or_a_test_system(url: str, allow_http: bool) -> None:
    hosts = ("localhost", "127.0.0.1", "[::1]", "127.0.0.2", "*.ariba.com")
    assert check_return_url(url, hosts, allow_http=allow_http) == url


@pytest.mark.parametrize("url", ["http://10.0.0.1/r", "http://localhost.evil.com/r"])
def test_plain_http_elsewhere_is_refused(url: str) -> None:
    assert "plain http" in _why(url, ("10.0.0.1", "localhost.evil.com"))


@pytest.mark.parametrize(
    ("pattern", "url", "allowed"),
    [("  S1.Ariba.COM. ", "https://s1.ariba.com./r", True),  # case, spaces and root dot
     ("s1.ariba.com", "https://s1.ariba.com../r", False),  # two dots are another name
     ("*.", "https://s1.ariba.com/r", False),  # an empty wildcard matches nothing
     ("", "https://s1.ariba.com/r", False),
     ("*.ariba.com", "https://a.b.ariba.com/r", True),
     ("*.ARIBA.com", "https://s1.ariba.com/r", True),
     ("*.ariba.com", "https://ariba.com/r", False),
     ("ariba.com", "https://s1.ariba.com/r", False),  # an exact name is exact
     ("*.b\u00fccher.example", "https://shop.xn--bcher-kva.example/r", True),
     ("xn--bcher-kva.example", "https://b\u00fccher.example/r", True),
     ("\u2028bad..host", "https://s1.ariba.com/r", False),
     ("*.0.0.1", "https://127.0.0.1/r", False),  # a wildcard never matches an address
     ("::1", "https://[::1]/r", True),
     ("127.0.0.1", "https://s1.ariba.com/r", False)],
)  # fmt: skip
def test_list_entries_are_matched_as_browsers_write_hosts(
    pattern: str, url: str, allowed: bool
) -> None:
    if allowed:
        assert check_return_url(url, (pattern,)) == browser_url(url).href
    else:
        with pytest.raises(ReturnUrlRefused):
            check_return_url(url, (pattern,))
