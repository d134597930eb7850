"""Where a cart may go: the host a browser will post to, on the buyer's list.

Each row is a URL as a buyer's system might send it, and what a browser does with it
(WHATWG URL Standard); the check must agree with the browser, not with a lenient parser.
"""

from __future__ import annotations

import pytest

from punchout.buyers import BuyerRegistry, approved_return_url, return_host_allowed
from punchout.return_url import ReturnUrlRefused, browser_url, check_return_url

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
