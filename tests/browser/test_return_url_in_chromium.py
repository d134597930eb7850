"""The return-URL check reads URLs as Chromium does: every case of the table, asked of both.

The check's promise is that the host it approves is the host the browser posts the cart to.
Here Chromium's own URL parser (``new URL``, the same one a form submission uses) reads each
raw URL of the table, and its scheme, host, user name and password must be ours.
"""

from __future__ import annotations

from typing import Any

import pytest

from punchout.protocol.return_url import ReturnUrlRefused, browser_url
from tests.protocol.test_return_url import CASES

pytestmark = pytest.mark.browser

EXTRA = [
    "https://evil.example%5c@acme.coupahost.com/",
    "https://acme.coupahost.com%00.evil.example/",
    "https://[::ffff:127.0.0.1]/",
    "https://0177.0.0.1/",
    "https://acme。coupahost。com/",  # ideographic full stops are dots
    "https://ACME.COUPAHOST.COM\\r\\n/",
    "https:/\\/acme.coupahost.com/",
    "https://a\u00adcme.coupahost.com/",  # a soft hyphen is dropped by IDNA
]
READ = """urls => urls.map(u => {
  try { const x = new URL(u); return [x.protocol.replace(':', ''), x.hostname, x.username,
                                     x.password, x.href]; }
  catch (e) { return null; }
})"""


def test_chromium_reads_every_return_url_as_the_check_does(browser: Any) -> None:
    urls = [url for url, _ in CASES] + EXTRA
    page = browser.new_page()
    try:
        page.goto("about:blank")
        chromium = page.evaluate(READ, urls)
    finally:
        page.close()
    compared = 0
    for url, theirs in zip(urls, chromium, strict=True):
        try:
            mine = browser_url(url)
        except ReturnUrlRefused:
            continue  # refused, whatever Chromium makes of it
        # What the check reads (and accepts for the next step) is what Chromium reads.
        assert theirs == [mine.scheme, mine.host, "", "", mine.href], url
        compared += 1
    assert compared >= 25
