"""What a PO can come to, besides success.

::

    Exception
    ├── Refused      the buyer's mistake: a 4xx naming the line (Coupa does not retry 4xx)
    ├── Postponed    PrintNow, Redis or the time budget failed us: 560, the retry resumes
    └── Uncertain    a PrintNow order may or may not exist: 500 until an operator resolves it
"""

from __future__ import annotations

from dataclasses import dataclass, field


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


class Refused(Exception):
    """A buyer's mistake: answered with ``code`` (4xx) and a message naming the line."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Postponed(Exception):
    """PrintNow or Redis failed, or time ran out: answered 560, resumed on the buyer's retry."""


class Uncertain(Exception):
    """A PrintNow order may or may not exist (the answer to create was lost, or the created
    order lacks a project): answered 500 until an operator resolves it."""
