"""What a PO can come to, besides success: each answer is on its error
(:mod:`punchout.errors`), and the desk records it in the ledger.

::

    ConnectorError
    ├── Refusal
    │   └── Refused  the buyer's mistake: a 4xx naming the line (Coupa does not retry 4xx)
    ├── Postponed    PrintNow, Redis or the time budget failed us: 560, the retry resumes
    └── Uncertain    a PrintNow order may or may not exist: 500 until an operator resolves it
"""

from __future__ import annotations

from dataclasses import dataclass, field

from punchout.errors import ConnectorError, Refusal

RETRY_LATER = "The print system is not available right now; please retry later."
NOT_CONFIRMED = (
    "The order could not be confirmed with the print system; the supplier has been alerted "
    "and will confirm it. Please do not resend it as a new order."
)


@dataclass(frozen=True)
class OrderAnswer:
    """The Status the buyer gets."""

    code: int
    message: str


@dataclass(frozen=True)
class Attachment:
    """A file that came with a multipart/related OrderRequest."""

    content_id: str
    content_type: str
    filename: str
    data: bytes = field(repr=False)


class Refused(Refusal):
    """A buyer's mistake: answered with ``code`` (4xx) and a message naming the line."""

    title = "The order was refused"

    def __init__(self, code: int, message: str) -> None:
        super().__init__(code, message)


class Postponed(ConnectorError):
    """PrintNow or Redis failed, or time ran out: answered 560, resumed on the buyer's retry.
    The message is for the operator's log."""

    code = 560
    title = "Temporarily unavailable"
    public_text = RETRY_LATER
    cxml_public_text = None
    next_step = "retry"


class Uncertain(ConnectorError):
    """A PrintNow order may or may not exist (the answer to create was lost, or the created
    order lacks a project): answered 500 until an operator resolves it. The message is for
    the operator's log."""

    code = 500
    title = "The order is not confirmed yet"
    public_text = NOT_CONFIRMED
    cxml_public_text = None
