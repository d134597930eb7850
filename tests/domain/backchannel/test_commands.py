"""``punchout documents configure``: a buyer's document settings, the secret encrypted."""

from __future__ import annotations

from punchout.domain.buyers import BuyerRegistry
from tests.cli.runner import PunchoutRunner
from tests.domain.orders.conftest import World


def test_configure_writes_the_table_with_the_secret_encrypted(world: World) -> None:
    runner = PunchoutRunner(world.app)
    result = runner.invoke(
        args=[
            "documents",
            "configure",
            "acme",
            "--url",
            "https://network.example/cxml/in",
            "--kinds",
            "ship,invoice",
            "--invoice-trigger",
            "status:Invoiced",
            "--credential",
            "NetworkID:AN-SUPPLIER",
            "--secret",
        ],
        input="network-s3cret\nnetwork-s3cret\n",
    )
    assert result.exit_code == 0, result.output
    assert "network-s3cret" not in world.buyers_file.read_text()
    docs = BuyerRegistry.load(world.buyers_file).get("acme").documents  # type: ignore[union-attr]
    assert docs is not None
    assert (docs.url, docs.kinds, docs.invoice_status) == (
        "https://network.example/cxml/in",
        ("ship", "invoice"),
        "Invoiced",
    )
    assert docs.credentials == (("NetworkID", "AN-SUPPLIER"),)
    assert world.c.encryptor.decrypt(docs.secret) == "network-s3cret"
    assert docs.since is not None  # turned on now: earlier POs get no documents
    assert docs.covers("2999-01-01T00:00:00+00:00") and not docs.covers("2000-01-01T00:00:00")
    again = runner.invoke(args=["documents", "configure", "acme", "--kinds", "confirm"])
    assert again.exit_code == 0
    later = BuyerRegistry.load(world.buyers_file).get("acme").documents  # type: ignore[union-attr]
    assert later is not None and later.since == docs.since and later.kinds == ("confirm",)


def test_configure_refuses_what_would_not_load_and_writes_nothing(world: World) -> None:
    before = world.buyers_file.read_text()
    runner = PunchoutRunner(world.app)
    plain = runner.invoke(args=["documents", "configure", "acme", "--url", "http://x.example/in"])
    assert plain.exit_code == 1 and "documents.url is refused" in plain.output
    bad = runner.invoke(args=["documents", "configure", "acme", "--credential", "AN-ONLY"])
    assert bad.exit_code == 1 and "DOMAIN:IDENTITY" in bad.output
    nothing = runner.invoke(args=["documents", "configure", "acme"])
    assert nothing.exit_code == 1 and "Nothing to change" in nothing.output
    unknown = runner.invoke(args=["documents", "configure", "nobody", "--url", "https://a.b/c"])
    assert unknown.exit_code == 1 and "There is no buyer 'nobody'" in unknown.output
    assert world.buyers_file.read_text() == before
