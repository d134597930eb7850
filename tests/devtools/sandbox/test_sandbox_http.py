"""The whole PIPO journey over real HTTP, on the shared ``live_sandbox`` fixture.

Temp user, login, storefront page, save a design through the form, order it, process it,
poll the download through its 409 + Retry-After until the ZIP arrives, convert the user.
In the ``documented`` profile createtemp tells no password (the session comes from the test
control) and "Returns 200 OK" is an empty body.
"""

from __future__ import annotations

import io
import time
import zipfile

import pytest
import requests

from tests.support import LiveSandbox

pytestmark = pytest.mark.sandbox


def test_punch_out_journey_over_http(live_sandbox: LiveSandbox) -> None:
    http = requests.Session()
    http.auth = (live_sandbox.api_token, live_sandbox.api_key)
    api = live_sandbox.api_url

    user = http.post(f"{api}/pipo/user/createtemp", json={"storefront_id": 1}, timeout=5).json()
    if live_sandbox.documented:
        assert "password" not in user
        token = live_sandbox.control("POST", "/sessions", user_id=user["id"])
    else:
        body = {"username": user["username"], "password": user["password"], "storefront_id": 1}
        token = http.post(f"{api}/pipo/user/login", json=body, timeout=5).json()
    http.headers["X-PN-TOKEN"] = token
    ok = b"" if live_sandbox.documented else b"true"  # PIPO: "Returns 200 OK"

    return_url = "https://buyer.example/return?session=1"
    page = requests.get(
        f"{live_sandbox.url}/storefront/1",
        params={"token": token, "return_url": return_url},
        timeout=5,
    )
    assert page.status_code == 200 and "Business Cards" in page.text
    saved = requests.post(
        f"{live_sandbox.url}/storefront/1/projects",
        data={
            "token": token,
            "return_url": return_url,
            "template": "BN-RU-850",
            "headline": "Meet us at stand 12",
        },
        timeout=5,
    )
    assert saved.status_code == 200 and "Meet us at stand 12" in saved.text  # after the 303

    projects = http.get(f"{api}/pipo/project/all", timeout=5).json()
    assert [p["external_id"] for p in projects] == ["BN-RU-850"]
    order_id = http.post(
        f"{api}/pipo/order/create",
        json={"product_id": [projects[0]["id"]], "external_id": "PO-HTTP-1"},
        timeout=5,
    ).json()
    processed = http.get(f"{api}/pipo/order/{order_id}/process", timeout=5)
    assert processed.status_code == 200 and processed.content.strip() == ok

    waits = 0
    while (download := http.get(f"{api}/order/{order_id}/download", timeout=5)).status_code == 409:
        assert download.headers["Retry-After"] == "60"
        waits += 1
        assert waits < 200
        time.sleep(0.05)
    assert download.status_code == 200 and waits > 0
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        assert len(archive.namelist()) == 1

    account = {
        "username": "demo.buyer",
        "password": "secret-pw",
        "email": "demo.buyer@example.com",
        "first_name": "Demo",
        "last_name": "Buyer",
    }
    converted = http.post(f"{api}/pipo/user/convert", json=account, timeout=5)
    assert converted.status_code == 200 and converted.content.strip() == ok
    assert http.get(f"{api}/pipo/user/istemp", timeout=5).json() is False
    assert http.get(f"{api}/order/{order_id}", timeout=5).json()["integration_id"] == "PO-HTTP-1"
