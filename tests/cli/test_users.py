"""`punchout users link/import`: storefront accounts of a buyer's procurement users, against
the running connector and the sandbox over HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from punchout.domain.keys import derive_username
from punchout.web.context import connector_of
from tests.buyer_side import Browser, BuyerIdentity, setup_request, start_url_of
from tests.cli.helpers import run
from tests.web.conftest import LiveConnector

pytestmark = pytest.mark.sandbox


def test_users_link_after_a_duplicate_email(connector: LiveConnector) -> None:
    connector.client.create_user(
        1, username="jane.own", password="Own-pass-1", email="jane.doe@buyer.example",
        first_name="Jane", last_name="Doe",
    )  # fmt: skip
    refused = run(connector, "users", "link", "acme", "jane.doe@buyer.example",
                  "--username", "jane.own", "--password", "wrong")  # fmt: skip
    assert refused.exit_code == 1 and "login failed" in refused.output
    linked = run(connector, "users", "link", "acme", "Jane.Doe@buyer.example",
                 "--username", "jane.own", "--password", "Own-pass-1")  # fmt: skip
    assert linked.exit_code == 0, linked.output
    store = connector_of(connector.app).store
    assert "Own-pass-1" not in str(store.redis.keys("*")) + str(
        [store.redis.get(k) for k in store.redis.keys("*user*")]
    )
    # Jane's next punch-out opens her own account, and her design lands there.
    response = connector.post_cxml(setup_request(BuyerIdentity()))
    browser = Browser()
    browser.get(start_url_of(response.content))
    browser.design()
    browser.get(browser.storefront_return_url())
    browser.submit_cart("return")
    assert browser.returned_cart().items
    state = connector.sandbox_state()
    own = next(u for u in state["users"] if u["username"] == "jane.own")
    assert [p["owner_id"] for p in state["projects"]] == [own["id"]]
    listed = run(connector, "users", "list", "acme")
    assert "linked to jane.own" in listed.output


def test_users_import_is_interrupted_then_resumes(
    connector: LiveConnector, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    csv_file = tmp_path / "users.csv"
    rows = [f"user{n}@buyer.example,User,Number {n}" for n in range(1, 6)]
    csv_file.write_text("email,first_name,last_name\n" + "\n".join(rows) + "\nnot-an-email,X,Y\n")
    client = connector_of(connector.app).client
    real_create = client.create_customer
    calls = {"n": 0}

    def create_then_fail(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:  # PrintNow starts failing at the third account
            connector.sandbox.fault("customer_create", mode="error", status=503)
        return real_create(*args, **kwargs)

    monkeypatch.setattr(client, "create_customer", create_then_fail)
    first = run(connector, "users", "import", "acme", str(csv_file))
    assert first.exit_code == 1
    assert "interrupted at row 4" in first.output and "again to resume" in first.output
    connector.sandbox.control("DELETE", "/faults")
    second = run(connector, "users", "import", "acme", str(csv_file))
    assert second.exit_code == 1  # the bad row is reported
    assert "3 created, 0 existed already, 2 done before, 1 failed" in second.output
    assert "row 7: no e-mail address" in second.output
    third = run(connector, "users", "import", "acme", str(csv_file), "--json")
    assert third.exit_code == 1
    assert json.loads(third.stdout) == {
        "buyer": "acme", "created": 0, "existed": 0, "done_before": 5,
        "failed": ["row 7: no e-mail address"],
    }  # fmt: skip
    usernames = {u["username"] for u in connector.sandbox_state()["users"]}
    for n in range(1, 6):
        assert derive_username("acme", f"user{n}@buyer.example") in usernames
