"""The return-URL check: any text is refused or gives an href a browser posts to a listed host."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from punchout.protocol.return_url import ReturnUrlRefused, browser_url, check_return_url
from tests.fuzz.profile import FUZZ

HOSTS = ("acme.coupahost.com", "*.ariba.com", "127.0.0.1")
PIECES = st.sampled_from(
    ["https:", "http:", "//", "\\", "@", ":", "/", "\t", "\n", " ", "%2e", "%40", "%5c", ".",
     "acme.coupahost.com", "evil.example", "ariba.com", "s1.", "127.0.0.1", "0x7f", "[::1]",
     "user", "pw", "?", "#", "ü", "xn--", "\x00", "javascript:", "443", "evilariba.com"]
)  # fmt: skip
URLISH = st.one_of(st.text(max_size=80), st.lists(PIECES, max_size=14).map("".join))


@FUZZ
@given(URLISH, st.booleans())
def test_an_approved_url_is_on_the_list_as_a_browser_reads_it(text: str, http: bool) -> None:
    try:
        href = check_return_url(text, HOSTS, allow_http=http)
    except ReturnUrlRefused:
        return
    url = browser_url(href)  # what the browser makes of the URL we emit
    assert url.href == href and url.scheme in ("http", "https")
    host = url.host.removesuffix(".")
    assert host in ("acme.coupahost.com", "127.0.0.1") or host.endswith(".ariba.com")
    assert "@" not in href.split("/", 3)[2]
    assert check_return_url(href, HOSTS, allow_http=http) == href  # stable
