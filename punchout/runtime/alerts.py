"""Telling a person about an order that needs one: a webhook and/or an e-mail.

When PrintNow never confirmed that it created an order, the buyer is told "the supplier has
been alerted"; this module is that alert. On top of the ERROR log line,
:func:`order_needs_attention` posts a JSON event to ``alert_webhook_url`` and/or sends an
e-mail to ``alert_email_to``, each naming the ``punchout orders resolve`` command to run.
Delivery runs in a background thread, so a slow webhook never delays the answer to the
buyer; a failed delivery is logged. The message carries ids only, never a credential or the
order document.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from dataclasses import asdict, dataclass
from email.message import EmailMessage

import requests

from punchout.protocol.numbers import parse_int
from punchout.runtime.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OrderAlert:
    """An order a person must settle, and how."""

    buyer: str
    order_id: str
    reason: str

    @property
    def command(self) -> str:
        return (
            f"punchout orders resolve {self.buyer} {self.order_id} "
            "(--created PRINTNOW_ORDER_ID | --not-created)"
        )

    @property
    def text(self) -> str:
        return (
            f"Order {self.order_id} of buyer {self.buyer} needs a person: {self.reason}.\n"
            "Look for the PO number in the PrintNow order list, then run:\n"
            f"  {self.command}"
        )


def order_needs_attention(settings: Settings, buyer: str, order_id: str, reason: str) -> None:
    """Announce an order that needs a person on every configured channel (in the background)."""
    alert = OrderAlert(buyer, order_id, reason)
    log.error("ALERT %s", alert.text.replace("\n", " "), extra={"alert": "order_needs_attention"})
    if settings.alert_webhook_url or settings.alert_email_to:
        threading.Thread(
            target=deliver, args=(settings, alert), name="punchout-alert", daemon=True
        ).start()


def deliver(settings: Settings, alert: OrderAlert) -> None:
    """Send ``alert`` to the webhook and the e-mail recipients configured; log failures."""
    if settings.alert_webhook_url:
        try:
            requests.post(
                settings.alert_webhook_url,
                json={
                    "event": "order_needs_attention",
                    **asdict(alert),
                    "command": alert.command,
                    "text": alert.text,
                },
                timeout=10,
            ).raise_for_status()
        except requests.RequestException as exc:
            log.error("alert webhook failed for order %s: %s", alert.order_id, exc)
    if settings.alert_email_to:
        try:
            send_email(settings, alert)
        except (OSError, smtplib.SMTPException) as exc:
            log.error("alert e-mail failed for order %s: %s", alert.order_id, exc)


def send_email(settings: Settings, alert: OrderAlert) -> None:
    message = EmailMessage()
    message["Subject"] = f"Punch-out order {alert.order_id} ({alert.buyer}) needs attention"
    message["From"] = settings.alert_email_from
    message["To"] = settings.alert_email_to
    message.set_content(alert.text)
    host, _, port = settings.smtp_server.partition(":")
    number = parse_int(port or "25", field="smtp_server port", minimum=1, maximum=65535)
    with smtplib.SMTP(host, number, timeout=10) as smtp:
        smtp.send_message(message)
