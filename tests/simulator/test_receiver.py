"""The buyer simulator's cXML document URL, over real HTTP: what a supplier's confirmation,
status update, ship notice and invoice get back, and how they show on the purchase order.

The documents are the hand-built, DTD-valid fixtures in ``tests/fixtures/cxml/documents/``,
each about purchase order PO-100001 (OrderRequest payloadID ``0a1b2c3d.order@buyer-simulator``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

import pytest
import requests
from lxml import etree

from punchout.devtools.simulator import SimulatorConfig, create_simulator_app
from punchout.devtools.simulator.documents import BuyerAccount
from punchout.devtools.simulator.receiver import INBOX_KEY
from tests.support import CXML_DTD, FIXTURES, serve

DOCUMENTS = FIXTURES / "documents"
SECRET = "fixture-supplier-secret"
PO = "PO-100001"
SENT_PAYLOAD = "0a1b2c3d.order@buyer-simulator"
ACCOUNT = BuyerAccount(
    buyer_id="demo",
    name="Demo Buyer Inc.",
    domain="NetworkID",
    identity="AN-DEMO-BUYER",
    secret="buyer-secret",
    oci_username="DEMO-SAP",
    supplier_domain="NetworkID",
    supplier_identity="PRINTSHOP",
)


class Simulator:
    """A simulator app served over HTTP, and how to post to it."""

    def __init__(self, url: str, app: object) -> None:
        self.url = url
        self.app = app

    def post(self, document: bytes | str) -> tuple[int, int, str]:
        """HTTP status, cXML Status code and the Status's own text, of posting ``document``."""
        body = document.encode() if isinstance(document, str) else document
        answer = requests.post(
            self.url + "/simulator/cxml/documents",
            data=body,
            headers={"Content-Type": "text/xml; charset=UTF-8"},
            timeout=10,
        )
        root = etree.fromstring(answer.content, etree.XMLParser(resolve_entities=False))
        assert etree.DTD(str(CXML_DTD)).validate(root), "the Response is not DTD-valid"
        status = root.find("Response/Status")
        assert status is not None
        assert answer.headers["Content-Type"].startswith("text/xml")
        return answer.status_code, int(status.get("code", "0")), status.text or ""

    def page(self, order_id: str = PO) -> requests.Response:
        return requests.get(f"{self.url}/po/{order_id}", timeout=10)

    def received(self, order_id: str = PO) -> list[dict[str, object]]:
        answer = requests.get(
            self.url + "/simulator/_control/documents", params={"order_id": order_id}, timeout=10
        )
        documents: list[dict[str, object]] = answer.json()
        return documents


def fixture(name: str) -> str:
    return (DOCUMENTS / f"{name}.xml").read_text(encoding="utf-8")


def start(secret: str = SECRET) -> Iterator[Simulator]:
    config = SimulatorConfig(
        connector_url="http://127.0.0.1:9", account=ACCOUNT, supplier_secret=secret
    )
    app = create_simulator_app(config)
    with serve(app) as url:
        yield Simulator(url, app)


@pytest.fixture
def simulator() -> Iterator[Simulator]:
    yield from start()


def sent_order_request(simulator: Simulator) -> None:
    """As if the simulator had sent PO-100001's OrderRequest (payloadID SENT_PAYLOAD)."""
    simulator.app.extensions[INBOX_KEY].record_sent(SENT_PAYLOAD, PO)  # type: ignore[attr-defined]


def test_the_fixtures_are_what_they_claim() -> None:
    names = sorted(p.stem for p in DOCUMENTS.glob("*.xml"))
    assert names == ["confirmation-accept", "invoice", "ship-notice", "status-update"]


@pytest.mark.parametrize(
    ("name", "kind", "shown"),
    [
        ("confirmation-accept", "ConfirmationRequest", ["accept", "5001"]),
        ("status-update", "StatusUpdateRequest", ["200", "In Production"]),
        ("ship-notice", "ShipNoticeRequest", ["5001-1", "UPS", "1Z999AA10123456784"]),
        ("invoice", "InvoiceDetailRequest", ["INV-5001", "47.50 USD"]),
    ],
)
def test_each_kind_is_accepted_and_shown_on_the_purchase_order(
    simulator: Simulator, name: str, kind: str, shown: list[str]
) -> None:
    sent_order_request(simulator)
    http, code, text = simulator.post(fixture(name))
    assert (http, code) == (200, 200)
    assert f"{kind} for purchase order {PO} received" in text
    [kept] = simulator.received()
    assert (kept["kind"], kept["order_id"], kept["duplicate"]) == (kind, PO, False)
    assert kept["sender"] == "NetworkID:PRINTSHOP"
    page = simulator.page()
    assert page.status_code == 200
    row = page.text.split('id="supplier-documents"', 1)[1]
    assert kind in row and str(kept["payload_id"]) in row
    for value in shown:
        assert value in row, value
    assert SECRET not in page.text
    assert "&lt;SharedSecret&gt;(hidden)&lt;/SharedSecret&gt;" in page.text  # the raw copy


def test_the_whole_story_shows_in_arrival_order(simulator: Simulator) -> None:
    sent_order_request(simulator)
    for name in ("confirmation-accept", "status-update", "ship-notice", "invoice"):
        assert simulator.post(fixture(name))[1] == 200
    kinds = re.findall(r'data-kind="(\w+)"', simulator.page().text)
    assert kinds == [
        "ConfirmationRequest",
        "StatusUpdateRequest",
        "ShipNoticeRequest",
        "InvoiceDetailRequest",
    ]


def test_a_status_update_naming_an_unknown_order_request_is_refused(
    simulator: Simulator,
) -> None:
    http, code, text = simulator.post(fixture("status-update"))  # nothing was sent here
    assert (http, code) == (400, 400)
    assert "names no purchase order" in text
    assert simulator.received() == []


def test_a_repeated_payload_id_is_kept_as_a_duplicate(simulator: Simulator) -> None:
    first = simulator.post(fixture("ship-notice"))
    again = simulator.post(fixture("ship-notice"))
    assert first[:2] == again[:2] == (200, 200)
    assert "duplicate" in again[2]
    assert [d["duplicate"] for d in simulator.received()] == [False, True]
    assert 'data-duplicate="yes"' in simulator.page().text


@pytest.mark.parametrize(
    "wrong",
    [
        "<SharedSecret>not-the-secret</SharedSecret>",
        "<SharedSecret></SharedSecret>",
        "",  # no SharedSecret at all
    ],
)
def test_a_wrong_shared_secret_is_401(simulator: Simulator, wrong: str) -> None:
    document = fixture("confirmation-accept").replace(
        f"<SharedSecret>{SECRET}</SharedSecret>", wrong
    )
    http, code, text = simulator.post(document)
    assert (http, code) == (401, 401)
    assert "SharedSecret is not the supplier's" in text
    assert simulator.received() == []


def test_without_a_configured_secret_everything_is_401() -> None:
    for simulator in start(secret=""):
        http, code, text = simulator.post(fixture("confirmation-accept"))
        assert (http, code) == (401, 401) and "no shared secret is configured" in text


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (('type="accept" ', ""), "not valid against Fulfill.dtd"),  # type is #REQUIRED
        (("Fulfill.dtd", "cXML.dtd"), "not valid against cXML.dtd"),
        (("Fulfill.dtd", "Custom.dtd"), "the DOCTYPE names 'Custom.dtd'"),
        (("<ConfirmationRequest>", "<OrderRequest>"), "not well-formed"),
        (("<?xml", "<!DOCTYPE x [<!ENTITY a 'b'>]><?xml"), "not well-formed"),
    ],
)
def test_a_document_that_is_not_valid_is_400_with_the_reason(
    simulator: Simulator, change: tuple[str, str], reason: str
) -> None:
    document = fixture("confirmation-accept").replace(*change, 1)
    http, code, text = simulator.post(document)
    assert (http, code) == (400, 400)
    assert reason in text
    assert simulator.received() == []


def test_without_a_doctype_the_kind_chooses_the_dtd(simulator: Simulator) -> None:
    document = re.sub(r"<!DOCTYPE[^>]*>\n", "", fixture("invoice"))
    assert simulator.post(document)[1] == 200
    invalid = document.replace("<NetAmount>", "<GrossAmount>", 1).replace(
        "</NetAmount>", "</GrossAmount>", 1
    )
    _, code, text = simulator.post(invalid.replace("invoice-5001-1", "invoice-5001-2"))
    assert (code, "not valid against InvoiceDetail.dtd" in text) == (400, True)


def test_other_documents_are_refused(simulator: Simulator) -> None:
    order = (FIXTURES / "order-request-two-lines.xml").read_text(encoding="utf-8")
    secret = re.search(r"<SharedSecret>([^<]*)</SharedSecret>", order)
    assert secret
    document = order.replace(secret.group(0), f"<SharedSecret>{SECRET}</SharedSecret>")
    http, code, text = simulator.post(document)
    assert (http, code) == (400, 400)
    assert "OrderRequest is not accepted here" in text
    assert simulator.post(b"")[1] == 400
    assert simulator.post(b"<notcxml/>")[2] == "the root element is 'notcxml', not cXML"


def test_the_fail_control_makes_the_next_posts_answer_500(simulator: Simulator) -> None:
    control = simulator.url + "/simulator/_control/fail"
    assert requests.post(control, json={"times": 2}, timeout=10).json() == {"times": 2}
    outcomes = [simulator.post(fixture("ship-notice"))[:2] for _ in range(3)]
    assert outcomes == [(500, 500), (500, 500), (200, 200)]
    assert len(simulator.received()) == 1  # the failed posts kept nothing
    for bad in ({"times": -1}, {"times": "2"}, {"times": True}, {}):
        assert requests.post(control, json=bad, timeout=10).status_code == 400
    requests.post(control, json={"times": 5}, timeout=10)
    requests.post(control, json={"times": 0}, timeout=10)
    assert simulator.post(fixture("invoice"))[1] == 200


def test_an_unknown_purchase_order_page_is_404(simulator: Simulator) -> None:
    page = simulator.page("PO-NOPE")
    assert page.status_code == 404 and "No purchase order PO-NOPE" in page.text


def test_documents_about_an_order_not_sent_from_here_still_show(simulator: Simulator) -> None:
    assert simulator.post(fixture("invoice"))[1] == 200
    page = simulator.page()
    assert page.status_code == 200 and "This system sent no purchase order" in page.text


@pytest.mark.parametrize(
    ("name", "sha256"),
    [
        ("Fulfill.dtd", "1bdb5394eac2ea243dcb124e7cb149603a53848a75d89018ee06bdc6e699d21c"),
        ("InvoiceDetail.dtd", "4351e2b54d919e8b89c5e1dd6791347649334acec4ec3e0b31180b17163336c1"),
    ],
)
def test_the_vendored_dtds_are_the_official_ones_unmodified(name: str, sha256: str) -> None:
    path = CXML_DTD.parent / name
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    assert '<!ENTITY cxml.version "1.2.071" >' in path.read_text()
