"""The buyer simulator: a small procurement-system stand-in for the demo and browser tests.

It starts a punch-out as a configured buyer (cXML create, edit or inspect of a returned cart,
or an OCI login), shows the storefront in an iframe as Ariba and Coupa do (or in a new
window), receives the cart at its BrowserFormPost or HOOK_URL, shows it beside the raw
document, turns it into a purchase order, and shows the connector's Response with the
PrintNow order as PrintNow's Orders API reports it. It also takes what the supplier sends
after the order at its cXML document URL (``receiver.py``: confirmations, status updates,
ship notices, invoices) and shows them on the purchase order's page, ``/po/<orderID>``.
"""

from __future__ import annotations

import base64
import re
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

import requests
from flask import Blueprint, Flask, abort, current_app, redirect, render_template, request, url_for
from lxml import etree
from werkzeug.wrappers import Response

from punchout.devtools.simulator import receiver
from punchout.devtools.simulator.documents import (
    BuyerAccount,
    Line,
    cxml_lines,
    oci_lines,
    order_request,
    setup_request,
)
from punchout.devtools.simulator.inbox import Inbox
from punchout.printnow import PrintNowClient, PrintNowError
from punchout.protocol.oci import read_new_items

bp = Blueprint("simulator", __name__, template_folder="templates", static_folder="static")


@dataclass(frozen=True)
class SimulatorConfig:
    connector_url: str
    account: BuyerAccount = field(repr=False)
    printnow: PrintNowClient | None = None
    user_email: str = "jane.doe@demo-buyer.example"
    user_first_name: str = "Jane"
    user_last_name: str = "Doe"
    #: The SharedSecret the supplier's documents must carry in their Sender Credential.
    supplier_secret: str = field(default="", repr=False)


@dataclass
class Punchout:
    """One punch-out the simulator started, and the cart that came back."""

    id: str
    protocol: str
    operation: str
    window: str
    start_url: str = ""
    cart_kind: str = ""
    raw: str = ""
    lines: list[Line] = field(default_factory=list)
    order: dict[str, Any] | None = None


class Carts:
    """The simulator's memory (it is a stand-in; nothing here needs to survive a restart)."""

    def __init__(self) -> None:
        self._items: dict[str, Punchout] = {}
        self._lock = threading.Lock()

    def add(self, punchout: Punchout) -> None:
        with self._lock:
            self._items[punchout.id] = punchout

    def get(self, punchout_id: str) -> Punchout:
        with self._lock:
            found = self._items.get(punchout_id)
        if found is None:
            abort(404)
        return found

    def returned(self) -> list[Punchout]:
        with self._lock:
            return [p for p in reversed(self._items.values()) if p.cart_kind]

    def by_order(self, order_id: str) -> Punchout | None:
        """The punch-out whose cart became purchase order ``order_id``."""
        with self._lock:
            return next(
                (p for p in self._items.values() if p.order and p.order["order_id"] == order_id),
                None,
            )


def config() -> SimulatorConfig:
    value: SimulatorConfig = current_app.extensions["simulator.config"]
    return value


def carts() -> Carts:
    value: Carts = current_app.extensions["simulator.carts"]
    return value


def create_simulator_app(settings: SimulatorConfig) -> Flask:
    app = Flask(__name__)
    app.extensions["simulator.config"] = settings
    app.extensions["simulator.carts"] = Carts()
    app.extensions[receiver.INBOX_KEY] = Inbox()
    app.extensions[receiver.SECRET_KEY] = settings.supplier_secret
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    app.register_blueprint(bp)
    app.register_blueprint(receiver.bp)
    return app


@bp.app_context_processor
def _globals() -> dict[str, Any]:
    return {"config": config()}


@bp.get("/")
def home() -> str:
    return render_template("sim_home.html", account=config().account, config=config(),
                           returned=carts().returned())  # fmt: skip


@bp.get("/favicon.ico")
def favicon() -> Response:
    return Response(status=204)


@bp.post("/punchout")
def punchout() -> Response | str | tuple[str, int]:
    settings = config()
    protocol = request.form.get("protocol", "cxml")
    window = request.form.get("window", "iframe")
    operation = request.form.get("operation", "create")
    email = request.form.get("email", "").strip() or settings.user_email
    session = Punchout(secrets.token_hex(8), protocol, operation, window)
    if protocol == "oci":
        carts().add(session)
        session.start_url = url_for("simulator.oci_launch", punchout_id=session.id, email=email)
        return render_template("sim_frame.html", session=session)
    lines = carts().get(request.form["from_cart"]).lines if operation != "create" else []
    document = setup_request(
        settings.account,
        operation=operation,
        cookie=session.id,
        return_url=url_for("simulator.cxml_return", punchout_id=session.id, _external=True),
        email=email,
        first_name=settings.user_first_name,
        last_name=settings.user_last_name,
        lines=lines,
    )
    try:
        answer = requests.post(
            settings.connector_url + "/cxml",
            data=document,
            headers={"Content-Type": "text/xml; charset=UTF-8"},
            timeout=30,
        )
    except requests.RequestException as exc:
        return render_template("sim_error.html", title="The supplier did not answer",
                               detail=str(exc)), 502  # fmt: skip
    code, text, start = _setup_answer(answer.content)
    if code != 200 or not start:
        return render_template("sim_error.html", title=f"The supplier answered {code}",
                               detail=text, raw=answer.text), 502  # fmt: skip
    session.start_url = start
    carts().add(session)
    return render_template("sim_frame.html", session=session)


def _setup_answer(document: bytes) -> tuple[int, str, str]:
    try:
        root = etree.fromstring(document, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return 0, "not a cXML answer", ""
    status = root.find("Response/Status")
    if status is None:
        return 0, "no Status", ""
    url = root.findtext("Response/PunchOutSetupResponse/StartPage/URL") or ""
    return (
        int(status.get("code", "0")),
        (status.text or status.get("text", "")).strip(),
        url.strip(),
    )


@bp.get("/oci-launch/<punchout_id>")
def oci_launch(punchout_id: str) -> str:
    """Inside the iframe: the OCI call-up, posted by the browser as SAP does."""
    settings = config()
    session = carts().get(punchout_id)
    fields = {
        "USERNAME": settings.account.oci_username,
        "PASSWORD": settings.account.oci_password,
        "HOOK_URL": url_for("simulator.oci_return", punchout_id=session.id, _external=True),
        "~OkCode": "ADDI",
        "~TARGET": "_top",
        "~CALLER": "CTLG",
        "OCI_VERSION": "5.0",
        "USER_EMAIL": request.args.get("email", settings.user_email),
    }
    action = f"{settings.connector_url}/oci/{settings.account.buyer_id}"
    return render_template("sim_autopost.html", action=action, fields=fields)


@bp.post("/return/<punchout_id>")
def cxml_return(punchout_id: str) -> str:
    """The BrowserFormPost URL: the cXML cart arrives here through the user's browser."""
    session = carts().get(punchout_id)
    form = {name.lower(): value for name, value in request.form.items()}
    if "cxml-base64" in form:
        raw = base64.b64decode(form["cxml-base64"])
        session.cart_kind = "cXML-base64"
    elif "cxml-urlencoded" in form:
        raw = form["cxml-urlencoded"].encode("utf-8")
        session.cart_kind = "cXML-urlencoded"
    else:
        abort(400)
    session.raw = raw.decode("utf-8", "replace")
    session.lines = cxml_lines(raw)
    return render_template("sim_returned.html", session=session)


@bp.post("/return-oci/<punchout_id>")
def oci_return(punchout_id: str) -> Response:
    """The HOOK_URL: the OCI cart arrives here (target _top: the whole window)."""
    session = carts().get(punchout_id)
    fields = list(request.form.items(multi=True))
    session.cart_kind = "OCI"
    session.raw = "\n".join(f"{name} = {value}" for name, value in fields)
    session.lines = oci_lines(read_new_items(dict(fields)))
    return redirect(url_for("simulator.cart", punchout_id=session.id), code=303)


@bp.get("/cart/<punchout_id>")
def cart(punchout_id: str) -> str:
    session = carts().get(punchout_id)
    total = sum((line.price * line.quantity for line in session.lines), 0)
    return render_template("sim_cart.html", session=session, total=total)


@bp.post("/order/<punchout_id>")
def order(punchout_id: str) -> Response | str:
    settings = config()
    session = carts().get(punchout_id)
    order_id = f"PO-{secrets.randbelow(900000) + 100000}"
    payload_id = f"{secrets.token_hex(8)}.order@buyer-simulator"
    document = order_request(
        settings.account, session.lines, order_id=order_id, payload_id=payload_id
    )
    receiver.inbox().record_sent(payload_id, order_id)
    try:
        answer = requests.post(
            settings.connector_url + "/cxml",
            data=document,
            headers={"Content-Type": "text/xml; charset=UTF-8"},
            timeout=70,
        )
        code, text, _ = _setup_answer(answer.content)
        raw = answer.text
    except requests.RequestException as exc:
        code, text, raw = 0, f"no answer: {type(exc).__name__}", ""
    numbers = re.findall(r"\b\d+\b", text.split("print order", 1)[-1]) if code == 200 else []
    session.order = {
        "order_id": order_id,
        "payload_id": payload_id,
        "code": code,
        "text": text,
        "response": raw,
        "document": document.decode("utf-8"),
        "printnow_ids": [int(n) for n in numbers],
        "printnow": _printnow_orders([int(n) for n in numbers]),
    }
    return redirect(url_for("simulator.cart", punchout_id=session.id) + "#order", code=303)


def _printnow_orders(numbers: list[int]) -> list[dict[str, Any]]:
    """The PrintNow orders as the Orders API reports them now (or why it could not)."""
    client = config().printnow
    if client is None:
        return []
    orders: list[dict[str, Any]] = []
    for number in numbers:
        try:
            orders.append(client.get_order(number).raw)
        except PrintNowError as exc:
            orders.append({"id": number, "error": exc.message})
    return orders


@bp.get("/po/<order_id>")
def purchase_order(order_id: str) -> str | tuple[str, int]:
    """The purchase order: what was sent, the PrintNow order now, and every document the
    supplier sent about it since (confirmation, status, ship notice, invoice)."""
    session = carts().by_order(order_id)
    documents = receiver.inbox().for_order(order_id)
    if session is None and not documents:
        return render_template("sim_error.html", title=f"No purchase order {order_id}",
                               detail="This system sent no such order."), 404  # fmt: skip
    printnow = _printnow_orders(session.order["printnow_ids"]) if session and session.order else []
    return render_template("sim_po.html", order_id=order_id, session=session,
                           printnow=printnow, documents=documents)  # fmt: skip
