"""A buyer's settings for the documents sent after an order (``[buyers.<id>.documents]``).

- ``url``: where the buyer's system (or its network) takes cXML documents. https only,
  except to a loopback address or for a buyer with ``allow_http_return`` (its test system),
  read as a browser reads a URL (:mod:`punchout.protocol.return_url`).
- ``credentials``: the supplier's From and Sender credentials on that network (e.g. its
  Ariba Network ID); empty means the connector's own ``supplier_domain``/``supplier_identity``.
- ``secret``: the supplier's SharedSecret for that network, encrypted with the master key
  (``punchout documents configure`` writes it); never stored or shown in clear.
- ``kinds``: which documents it takes: ``confirm``, ``status``, ``ship``, ``invoice``.
- ``invoice_trigger``: ``ship`` (invoice a supplier order once all of it shipped) or
  ``status:<name>`` (once PrintNow reports that order status).
- ``deployment_mode``: the Request's ``deploymentMode``, ``production`` or ``test``.
- ``since``: POs received before this time get no documents (``punchout documents
  configure`` sets it when it first writes the table, so turning documents on for a buyer
  does not confirm and invoice its old orders); absent, every PO does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from punchout.protocol.return_url import ReturnUrlRefused, browser_url, check_return_url

DOCUMENT_KINDS = ("confirm", "status", "ship", "invoice")
DEPLOYMENT_MODES = ("production", "test")
#: Fernet tokens (the encrypted secret) start with the version byte 0x80, base64 "gAAAAA".
_ENCRYPTED_PREFIX = "gAAAAA"


@dataclass(frozen=True)
class DocumentSettings:
    """Where and how a buyer takes the documents sent after an order."""

    url: str
    credentials: tuple[tuple[str, str], ...] = ()
    secret: str = field(default="", repr=False)
    kinds: tuple[str, ...] = DOCUMENT_KINDS
    invoice_trigger: str = "ship"
    deployment_mode: str = "production"
    since: datetime | None = None

    def covers(self, received_at: str | None) -> bool:
        """Whether a PO received at ``received_at`` (ISO, from the ledger) gets documents."""
        if self.since is None:
            return True
        received = _moment(received_at) if received_at else None
        return received is not None and received >= self.since

    def takes(self, kind: str) -> bool:
        return kind in self.kinds

    @property
    def invoice_status(self) -> str | None:
        """The PrintNow order status that triggers the invoice, or None for ``ship``."""
        head, _, name = self.invoice_trigger.partition(":")
        return name.strip() if head == "status" else None


def read_documents(
    value: Any, where: str, problems: list[str], *, allow_http: bool
) -> DocumentSettings | None:
    """The buyer's ``documents`` table, checked; None when it has none."""
    if value is None:
        return None
    where = f"{where}.documents"
    if not isinstance(value, dict):
        problems.append(f"{where} must be a table")
        return None
    url = _url(value.get("url"), where, problems, allow_http=allow_http)
    kinds = value.get("kinds", list(DOCUMENT_KINDS))
    if not isinstance(kinds, list) or not all(k in DOCUMENT_KINDS for k in kinds):
        problems.append(f"{where}.kinds must be a list of {', '.join(DOCUMENT_KINDS)}")
        kinds = list(DOCUMENT_KINDS)
    trigger = value.get("invoice_trigger", "ship")
    if not isinstance(trigger, str) or not (
        trigger == "ship" or (trigger.startswith("status:") and trigger[7:].strip())
    ):
        problems.append(f"{where}.invoice_trigger must be ship or status:<PrintNow status>")
        trigger = "ship"
    mode = value.get("deployment_mode", "production")
    if mode not in DEPLOYMENT_MODES:
        problems.append(f"{where}.deployment_mode must be production or test")
        mode = "production"
    secret = value.get("secret", "")
    if not isinstance(secret, str) or (secret and not secret.startswith(_ENCRYPTED_PREFIX)):
        problems.append(
            f"{where}.secret must be the encrypted secret `punchout documents configure` writes"
        )
        secret = ""
    since = value.get("since")
    if since is not None:
        since = _moment(since) if isinstance(since, str) else since
        if isinstance(since, datetime):
            since = since if since.tzinfo else since.replace(tzinfo=UTC)
        else:
            problems.append(f"{where}.since must be an ISO date-time")
            since = None
    return DocumentSettings(
        since=since,
        url=url,
        credentials=_credentials(value.get("credentials", []), where, problems),
        secret=secret,
        kinds=tuple(kinds),
        invoice_trigger=trigger,
        deployment_mode=str(mode),
    )


def _url(value: Any, where: str, problems: list[str], *, allow_http: bool) -> str:
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}.url must be the URL the buyer's system takes documents at")
        return ""
    try:
        host = browser_url(value.strip()).host
        return check_return_url(value.strip(), [host], allow_http=allow_http)
    except ReturnUrlRefused as exc:
        problems.append(f"{where}.url is refused: {exc}")
        return ""


def _credentials(value: Any, where: str, problems: list[str]) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, list):
        problems.append(f"{where}.credentials must be a list of tables with domain and identity")
        return ()
    found = []
    for n, item in enumerate(value, start=1):
        domain = str(item.get("domain", "")).strip() if isinstance(item, dict) else ""
        identity = str(item.get("identity", "")).strip() if isinstance(item, dict) else ""
        if not domain or not identity:
            problems.append(f"{where}.credentials[{n}] needs a domain and an identity")
            continue
        found.append((domain, identity))
    return tuple(found)


def _moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
