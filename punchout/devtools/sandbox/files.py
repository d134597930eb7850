"""The files the Orders API downloads: small real PDFs inside real ZIP archives.

Each order item becomes a one-page PDF sized like the product, listing the personalisation;
enough for a client to unzip, check names and sizes, and hand on. Pure: bytes in, bytes out.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable

from punchout.devtools.sandbox.models import OrderItem


def _pdf_text(text: str) -> str:
    """``text`` as a PDF literal string: Latin-1 only, with ``\\``, ``(`` and ``)`` escaped."""
    safe = text.encode("latin-1", "replace").decode("latin-1")
    return "(" + safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def render_pdf(lines: list[str], page_size: tuple[int, int]) -> bytes:
    """A valid one-page PDF of ``page_size`` points showing ``lines`` in Helvetica."""
    width, height = page_size
    size = max(6, min(24, width // 30))
    commands = [f"BT /F1 {size} Tf {size} {height - 2 * size} Td {size * 1.4:.1f} TL"]
    commands += [f"{_pdf_text(line)} Tj T*" for line in lines]
    commands.append("ET")
    stream = "\n".join(commands).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] "
            "/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
        ).encode(),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "item"


def item_pdf_name(item: OrderItem) -> str:
    """The print file's name inside a ZIP: ``item-8001-business-cards.pdf``."""
    return f"item-{item.id}-{_slug(item.integration_id)}.pdf"


def item_pdf(order_id: int, item: OrderItem) -> bytes:
    """The print-ready PDF of one order item."""
    lines = [
        f"Order {order_id} / item {item.id}",
        item.name,
        f"{item.integration_id} x {item.quantity}",
        *(f"{name}: {value}" for name, value in item.fields.items()),
    ]
    return render_pdf(lines, item.page_size)


def _zip(members: Iterable[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def print_files_zip(order_id: int, items: Iterable[OrderItem]) -> bytes:
    """A ZIP of the print-ready PDFs of ``items`` (one PDF per item)."""
    return _zip((item_pdf_name(item), item_pdf(order_id, item)) for item in items)


def assets_zip(item: OrderItem) -> bytes:
    """A ZIP of an item's source assets: the personalisation as JSON (no stock images)."""
    design = {"integration_id": item.integration_id, "fields": item.fields}
    return _zip([(f"item-{item.id}-design.json", json.dumps(design, indent=2).encode())])
