"""Purchase orders: the ledger records (:mod:`.records`), the pure line checks
(:mod:`.checks`), the PrintNow steps (:mod:`.placing`) and the desk that runs them
(:mod:`.desk`)."""

from .audit import redact
from .checks import MAX_ORDER_LINES, fingerprint
from .desk import OrderDesk
from .errors import Attachment, OrderAnswer, Postponed, Refused, Uncertain
from .records import BadRecord, Group, Ledger, Line, OrderRecord

__all__ = [
    "MAX_ORDER_LINES",
    "Attachment",
    "BadRecord",
    "Group",
    "Ledger",
    "Line",
    "OrderAnswer",
    "OrderDesk",
    "OrderRecord",
    "Postponed",
    "Refused",
    "Uncertain",
    "fingerprint",
    "redact",
]
