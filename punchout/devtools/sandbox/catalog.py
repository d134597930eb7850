"""The sandbox storefront's product templates.

A template is what a storefront user personalises; saving it makes a project whose
``external_id`` is the template's integration ID, which is how PrintNow ties a customised copy
back to its product (and how the connector prices it). Prices, options and page sizes feed the
order items and the generated print files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class TemplateField:
    """One personalisation input: form ``name``, visible ``label``, limits, HTML input type."""

    name: str
    label: str
    required: bool = False
    max_length: int = 60
    placeholder: str = ""
    input_type: str = "text"


@dataclass(frozen=True)
class TemplateOption:
    """A fixed product option, reported on order items as PrintNow's Option Item."""

    name: str
    value: str
    option_integration_id: str
    value_integration_id: str


@dataclass(frozen=True)
class ProductTemplate:
    """A personalisable product of the storefront."""

    integration_id: str
    name: str
    description: str
    model_number: str
    quantity: int
    base_price: float
    options_price: float
    weight: float
    #: Page size of the print-ready PDF, in points.
    page_size: tuple[int, int]
    fields: tuple[TemplateField, ...]
    options: tuple[TemplateOption, ...]

    def project_name(self, values: dict[str, str]) -> str:
        """The saved project's name: the template name and the first filled-in field."""
        detail = next((values[f.name] for f in self.fields if values.get(f.name)), "")
        return f"{self.name} – {detail}" if detail else self.name


TEMPLATES: tuple[ProductTemplate, ...] = (
    ProductTemplate(
        integration_id="BC-STD-85x55",
        name="Business Cards",
        description="Standard 85 × 55 mm cards on 400 gsm matte board, 500 per box.",
        model_number="STD-BC",
        quantity=500,
        base_price=40.00,
        options_price=5.00,
        weight=1.5,
        page_size=(241, 156),
        fields=(
            TemplateField("name_on_card", "Name on card", True, 60, "Demo Buyer"),
            TemplateField("job_title", "Job title", False, 60, "Procurement Lead"),
            TemplateField("phone", "Phone", False, 30, "+1 555 0100", "tel"),
            TemplateField("email", "Email", False, 80, "buyer@example.com", "email"),
        ),
        options=(TemplateOption("Paper Stock", "400gsm Matte", "OPT-STOCK", "VAL-400M"),),
    ),
    ProductTemplate(
        integration_id="LH-A4-120",
        name="Letterhead",
        description="A4 letterhead on 120 gsm uncoated paper, 250 sheets.",
        model_number="STD-LH",
        quantity=250,
        base_price=55.00,
        options_price=0.00,
        weight=3.2,
        page_size=(595, 842),
        fields=(
            TemplateField("company_name", "Company name", True, 80, "Example Industries"),
            TemplateField("address", "Address line", False, 120, "1 Example Street, Springfield"),
            TemplateField("phone", "Phone", False, 30, "+1 555 0100", "tel"),
            TemplateField("website", "Website", False, 80, "www.example.com"),
        ),
        options=(TemplateOption("Paper Stock", "120gsm Uncoated", "OPT-STOCK", "VAL-120U"),),
    ),
    ProductTemplate(
        integration_id="BN-RU-850",
        name="Roll-up Banner",
        description="850 × 2000 mm roll-up banner with aluminium stand and carry bag.",
        model_number="RU-850",
        quantity=1,
        base_price=89.00,
        options_price=10.00,
        weight=4.8,
        page_size=(2409, 5669),
        fields=(
            TemplateField("headline", "Headline", True, 60, "Meet us at stand 12"),
            TemplateField("subline", "Subline", False, 120, "Quality print, delivered on time"),
            TemplateField("website", "Website", False, 80, "www.example.com"),
        ),
        options=(TemplateOption("Material", "440gsm PVC", "OPT-MAT", "VAL-PVC440"),),
    ),
)

_BY_ID = {t.integration_id: t for t in TEMPLATES}


def find_template(integration_id: str) -> ProductTemplate | None:
    """The template with this integration ID, or None."""
    return _BY_ID.get(integration_id)


def clean_fields(
    template: ProductTemplate, raw: Mapping[str, object]
) -> tuple[dict[str, str], dict[str, str]]:
    """Validate personalisation input against ``template``.

    Returns ``(values, errors)``: the template's fields, trimmed, in template order (empty
    optional ones left out; unknown names ignored), and a message per invalid field.
    """
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for f in template.fields:
        value = raw.get(f.name)
        if value is not None and not isinstance(value, str):
            errors[f.name] = f"{f.label} must be text."
            continue
        text = (value or "").strip()
        if f.required and not text:
            errors[f.name] = f"{f.label} is required."
        elif len(text) > f.max_length:
            errors[f.name] = f"{f.label} must be at most {f.max_length} characters."
        elif text:
            values[f.name] = text
    return values, errors
