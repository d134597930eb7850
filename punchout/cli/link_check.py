"""``punchout buyers test``: play a buyer against a running connector, step by step.

It sends what the buyer's procurement system would send (a PunchOutSetupRequest, or an OCI
call-up), opens the StartPage it gets back and the storefront it leads to, and reports each
step. When a step fails it
gives a one-line diagnosis: wrong URL, wrong secret, return host not allowed, and so on.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin
from xml.sax.saxutils import escape, quoteattr

import requests

from punchout.domain.buyers import Buyer
from punchout.protocol.cxml.parse import MalformedDocument, parse_xml
from punchout.protocol.cxml.read import attribute, child, path_text


@dataclass
class Step:
    name: str
    ok: bool
    detail: str


@dataclass
class CheckReport:
    steps: list[Step] = field(default_factory=list)
    diagnosis: str = ""

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps) and bool(self.steps)

    def add(self, name: str, ok: bool, detail: str) -> bool:
        self.steps.append(Step(name, ok, detail))
        return ok


def _return_url(buyer: Buyer) -> str:
    host = next(iter(buyer.return_hosts), "buyer.invalid")
    host = host.replace("*.", "punchout-test.", 1)
    scheme = "http" if host in ("127.0.0.1", "localhost") else "https"
    return f"{scheme}://{host}/punchout-test/return"


def _test_user(buyer: Buyer) -> str:
    """The e-mail the test plays the user with, on the buyer's own domain when there is one."""
    return "punchout-test@" + next(iter(buyer.return_hosts), "buyer.invalid").lstrip("*.")


def setup_document(buyer: Buyer, secret: str, supplier: tuple[str, str]) -> bytes:
    """A minimal PunchOutSetupRequest as the buyer's system would send it."""
    domain, identity = buyer.credentials[0] if buyer.credentials else ("NetworkID", "unknown")
    now = datetime.now().astimezone().isoformat(timespec="seconds")
    payload = f"{secrets.token_hex(8)}.buyers-test@punchout"
    user = _test_user(buyer)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.071/cXML.dtd">
<cXML payloadID={quoteattr(payload)} timestamp="{now}" xml:lang="en-US">
<Header>
<From><Credential domain={quoteattr(domain)}><Identity>{escape(identity)}</Identity></Credential></From>
<To><Credential domain={quoteattr(supplier[0])}><Identity>{escape(supplier[1])}</Identity></Credential></To>
<Sender><Credential domain={quoteattr(domain)}><Identity>{escape(identity)}</Identity>
<SharedSecret>{escape(secret)}</SharedSecret></Credential><UserAgent>punchout buyers test</UserAgent></Sender>
</Header>
<Request deploymentMode="test"><PunchOutSetupRequest operation="create">
<BuyerCookie>buyers-test-{secrets.token_hex(4)}</BuyerCookie>
<Extrinsic name="UserEmail">{escape(user)}</Extrinsic>
<BrowserFormPost><URL>{escape(_return_url(buyer))}</URL></BrowserFormPost>
</PunchOutSetupRequest></Request></cXML>""".encode()


CXML_DIAGNOSES = {
    401: "The secret (or the buyer's From credential) is wrong: check the SharedSecret.",
    403: "The return host or the operation is not allowed for this buyer: check return_hosts.",
    400: "The connector could not read the request: see the Status text.",
    413: "The document was too large for the connector.",
    503: "The connector could not start a PrintNow session: check that the buyer's "
    "storefront_id names a storefront of this PrintNow (`punchout printnow check "
    "--storefront ID`), then that PrintNow answers, and retry.",
}


def check_cxml(base_url: str, buyer: Buyer, secret: str, supplier: tuple[str, str]) -> CheckReport:
    report = CheckReport()
    url = base_url.rstrip("/") + "/cxml"
    try:
        response = requests.post(
            url,
            data=setup_document(buyer, secret, supplier),
            headers={"Content-Type": "text/xml; charset=UTF-8"},
            timeout=30,
        )
    except requests.RequestException as exc:
        report.add("HTTP", False, f"{url}: {type(exc).__name__}")
        report.diagnosis = f"Nothing answers at {url}: wrong URL, or the connector is not running."
        return report
    report.add("HTTP", response.status_code == 200, f"{response.status_code} from {url}")
    try:
        root = parse_xml(response.content, max_bytes=1_000_000)
        status = child(child(root, "Response"), "Status")
        if status is None:
            raise MalformedDocument("no Status")
    except MalformedDocument:
        report.add("cXML", False, "the answer is not a cXML Response")
        report.diagnosis = f"{url} answered, but not with cXML: is this the connector's URL?"
        return report
    code = int(attribute(status, "code") or 0)
    text = "".join(status.itertext()).strip()
    if not report.add("cXML status", code == 200, f"{code} {attribute(status, 'text')} {text}"):
        report.diagnosis = CXML_DIAGNOSES.get(code, f"The connector answered {code}: {text}")
        return report
    start = path_text(root, "Response", "PunchOutSetupResponse", "StartPage", "URL")
    if not report.add("StartPage URL", bool(start), start or "missing"):
        report.diagnosis = "The connector accepted the request but sent no StartPage URL."
        return report
    _open_start(report, start)
    return report


def _open_start(report: CheckReport, start: str) -> None:
    try:
        opened = requests.get(start, allow_redirects=False, timeout=30)
    except requests.RequestException as exc:
        report.add("StartPage opens", False, type(exc).__name__)
        report.diagnosis = "The StartPage URL does not answer: check public_url."
        return
    target = opened.headers.get("Location", "")
    if not report.add(
        "StartPage opens", opened.status_code in (302, 303), f"{opened.status_code} → {target}"
    ):
        report.diagnosis = "The StartPage did not lead on to the storefront."
        return
    _open_storefront(report, urljoin(start, target))


def _open_storefront(report: CheckReport, url: str) -> None:
    """Follow the StartPage to the storefront (storefront_url_template), as the browser does.
    The PIPO session token in the URL is not shown."""
    shown = url.split("?", 1)[0]
    try:
        page = requests.get(url, timeout=30)
    except requests.RequestException as exc:
        report.add("storefront opens", False, f"{shown}: {type(exc).__name__}")
        report.diagnosis = "The storefront URL does not answer: check storefront_url_template."
        return
    if not report.add("storefront opens", page.status_code < 400, f"{page.status_code} {shown}"):
        report.diagnosis = (
            f"The storefront answered {page.status_code}: check storefront_url_template "
            "(docs/connecting-to-printnow.md)."
        )


def check_oci(base_url: str, buyer: Buyer, secret: str) -> CheckReport:
    report = CheckReport()
    url = f"{base_url.rstrip('/')}/oci/{buyer.id}"
    user = _test_user(buyer)
    fields = {
        buyer.oci.username_field: buyer.oci.username,
        buyer.oci.password_field: secret,
        buyer.oci.hook_field: _return_url(buyer),
        "~OkCode": "ADDI",
        "~TARGET": "_top",
        "OCI_VERSION": "5.0",
    }
    if buyer.oci.user_fields:
        fields[buyer.oci.user_fields[0]] = user
    try:
        response = requests.post(url, data=fields, allow_redirects=False, timeout=30)
    except requests.RequestException as exc:
        report.add("HTTP", False, f"{url}: {type(exc).__name__}")
        report.diagnosis = f"Nothing answers at {url}: wrong URL, or the connector is not running."
        return report
    location = response.headers.get("Location", "")
    ok = response.status_code == 303 and "/start/" in location
    report.add("OCI login", ok, f"{response.status_code} from {url}")
    if not ok:
        report.diagnosis = {
            401: "The catalog login was refused: check the OCI user name and password (the "
            "OCI password, not the cXML shared secret).",
            403: "The HOOK_URL host is not allowed for this buyer: check return_hosts.",
            404: f"{url} does not exist: wrong URL?",
        }.get(response.status_code, f"The connector answered HTTP {response.status_code}.")
        return report
    _open_start(report, urljoin(url, location))
    return report
