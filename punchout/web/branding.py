"""The supplier's branding on every connector page: name, logo, colours and support contact.

Templates get ``brand`` (a context processor); the colours come as a small stylesheet of CSS
variables (``/brand.css``), so no page needs an inline style.
"""

from __future__ import annotations

from typing import Any

from flask import Response

from punchout.web.context import connector


def brand_context() -> dict[str, Any]:
    s = connector().settings
    return {
        "brand": {
            "name": s.supplier_name,
            "logo_url": s.brand_logo_url,
            "support_email": s.support_email,
            "support_phone": s.support_phone,
            "price_note": s.price_note,
        }
    }


def brand_css() -> Response:
    """The brand colours as CSS variables (validated #rrggbb values, see settings)."""
    s = connector().settings
    css = (
        f":root {{ --accent: {s.brand_color}; --accent-ink: {s.brand_text_color}; "
        f"--brand: {s.brand_color}; --brand-ink: {s.brand_text_color}; }}\n"
    )
    return Response(css, content_type="text/css; charset=utf-8")
