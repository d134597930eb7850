"""SAP OCI 4.0/5.0: reading a catalog call-up and writing NEW_ITEM forms (SAP OCI 5.0
specification: the outbound section for the call-up, the inbound section for NEW_ITEM).

Pure functions: no Flask, Redis or HTTP. Parameter names are read in any case (senders
differ: ``HOOK_URL``, ``hook_url``, ``Hook_Url``); the HOOK_URL field may be renamed per buyer
(SAP's OCI customizing, e.g. ``MM_HOOK_URL``) and arrive URL-encoded once more. A cart goes
back as ``NEW_ITEM-<FIELD>[n]`` fields (n from 1) within the spec's lengths, numbers with a
``.`` and no thousands separator, long texts as ``NEW_ITEM-LONGTEXT_n:132[]``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import parse_qsl, unquote

from ada_url import URL

from punchout.protocol.numbers import BadNumber, parse_int

#: Field lengths of OCI 4.0/5.0 (SAP OCI 5.0 specification, inbound section: NEW_ITEM fields).
LENGTHS = {
    "DESCRIPTION": 40,
    "QUANTITY": 15,
    "UNIT": 3,
    "PRICE": 15,
    "PRICEUNIT": 5,
    "CURRENCY": 5,
    "LEADTIME": 5,
    "VENDORMAT": 40,
    "EXT_PRODUCT_ID": 40,
    "MATGROUP": 10,
    "EXT_SCHEMA_TYPE": 10,
    "EXT_CATEGORY_ID": 60,
}
#: Lengths of CUST_FIELD1..5 (ISI, OCI release 4).
CUST_LENGTHS = (10, 10, 10, 20, 50)
DEFAULT_CUST_FIELDS = ("CUST_FIELD1", "CUST_FIELD2", "CUST_FIELD3", "CUST_FIELD4", "CUST_FIELD5")
LONGTEXT_LINE = 132
FUNCTIONS = ("VALIDATE", "DETAIL", "BACKGROUND_SEARCH")
#: The charsets a NEW_ITEM form may be sent in (HTTP_CONTENT_CHARSET), by canonical name.
#: Only ASCII-compatible ones: in UTF-16 and the like, the form's markup itself changes
#: meaning for the browser, and any other codec name is no charset at all.
CHARSETS = frozenset(
    {"utf-8", "us-ascii", "windows-1252"}
    | {f"iso-8859-{n}" for n in range(1, 16) if n != 12}  # ISO 8859-12 was never published
)
#: Other spellings of the accepted charsets, as SAP systems send them.
_CHARSET_ALIASES = {"utf8": "utf-8", "ascii": "us-ascii", "cp1252": "windows-1252"} | {
    f"iso8859-{n}": f"iso-8859-{n}" for n in range(1, 16)
}
#: Most items one NEW_ITEM form is read with.
MAX_NEW_ITEMS = 1_000


class OciError(ValueError):
    """A call-up the connector cannot use; the text is safe to show the user."""


@dataclass(frozen=True)
class Callup:
    """What an OCI call-up says, with names already matched case-insensitively."""

    username: str
    password: str = field(repr=False)
    hook_url: str
    function: str
    target: str
    charset: str
    version: str
    product_id: str
    quantity: str
    search: str
    params: dict[str, str] = field(repr=False)
    #: (PRODUCTID, QUANTITY) of each item a VALIDATE or DETAIL asks about, in index order.
    products: tuple[tuple[str, str], ...] = ()

    def value(self, name: str) -> str:
        return self.params.get(name.lower(), "")


def fold(params: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Parameters by lower-cased name; the first non-empty value of a name wins.

    A field sent with an index, as SAP sends several items (``PRODUCTID[1]``), is kept under
    its indexed name and also read as the plain name when no plain field says it: the plain
    name takes the lowest index's value."""
    folded: dict[str, str] = {}
    for name, value in params:
        key = name.strip().lower()
        if key and (key not in folded or not folded[key]):
            folded[key] = value
    for (base, _index), value in sorted(_indexed(folded).items()):
        if not folded.get(base):
            folded[base] = value
    return folded


def _indexed(folded: Mapping[str, str]) -> dict[tuple[str, int], str]:
    """The fields sent as ``NAME[n]`` (n from 1 to :data:`MAX_NEW_ITEMS`), by (name, n)."""
    found = {}
    for key, value in folded.items():
        base, bracket, rest = key.partition("[")
        index = rest.removesuffix("]")
        if (
            bracket
            and base
            and rest.endswith("]")
            and index.isascii()
            and index.isdigit()
            and len(index) <= 6
            and 1 <= int(index) <= MAX_NEW_ITEMS
        ):
            found[(base, int(index))] = value
    return found


def products(folded: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """(PRODUCTID, QUANTITY) of each item asked about: indexed items, or the plain pair."""
    items: dict[int, dict[str, str]] = {}
    for (base, index), value in _indexed(folded).items():
        if base in ("productid", "quantity"):
            items.setdefault(index, {})[base] = value.strip()
    if items:
        return tuple(
            (item.get("productid", ""), item.get("quantity", ""))
            for _, item in sorted(items.items())
        )
    product = folded.get("productid", "").strip()
    return ((product, folded.get("quantity", "").strip()),) if product else ()


def read_callup(
    params: Sequence[tuple[str, str]],
    *,
    username_field: str = "USERNAME",
    password_field: str = "PASSWORD",  # noqa: S107 (a form field name)
    hook_field: str = "HOOK_URL",
) -> Callup:
    """Read a call-up; ``params`` are the query and form fields, in order."""
    folded = fold(params)
    hook = folded.get(hook_field.lower(), "").strip()
    if hook.lower().startswith(("http%3a", "https%3a")):
        hook = unquote(hook)
    target = folded.get("~target") or folded.get("returntarget") or "_top"
    return Callup(
        username=folded.get(username_field.lower(), "").strip(),
        password=folded.get(password_field.lower(), ""),
        hook_url=hook,
        function=folded.get("function", "").strip().upper(),
        target=target.strip() or "_top",
        charset=form_charset(folded.get("http_content_charset", "")),
        version=folded.get("oci_version", "").strip(),
        product_id=folded.get("productid", "").strip(),
        quantity=folded.get("quantity", "").strip(),
        search=folded.get("searchstring", "").strip(),
        params=folded,
        products=products(folded),
    )


def form_charset(requested: str) -> str:
    """The canonical name of an accepted OCI charset, or "" (send UTF-8) for anything else."""
    wanted = requested.strip().lower().replace("_", "-")
    wanted = _CHARSET_ALIASES.get(wanted, wanted)
    return wanted if wanted in CHARSETS else ""


def hook_form(hook_url: str) -> tuple[str, list[tuple[str, str]]]:
    """The form action (HOOK_URL without its query) and its query parameters as hidden
    inputs: browsers drop an action's query string on a form POST.

    ``hook_url`` is read as a browser reads it (WHATWG URL), as the return-URL check did."""
    url = URL(hook_url)
    query = url.search.removeprefix("?")
    url.search = ""
    url.hash = ""
    return url.href, parse_qsl(query, keep_blank_values=True)


def cut(text: str, length: int) -> str:
    """``text`` in at most ``length`` characters, cut at a word boundary when there is one."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    head = text[:length]
    if text[length].isalnum():  # the cut falls inside a word: cut before it
        space = head.rfind(" ")
        if space >= length // 2:
            head = head[:space]
    return head.rstrip(" ,;:-–(")


def number(value: Decimal, decimals: int | None = None) -> str:
    """A decimal with ``.``, no thousands separator and no exponent."""
    if decimals is not None:
        value = value.quantize(Decimal(1).scaleb(-decimals))
    text = format(value, "f")
    if decimals is None and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@dataclass(frozen=True)
class OciItem:
    """One line of an OCI cart."""

    description: str
    quantity: Decimal
    unit: str
    price: Decimal
    currency: str
    lead_time_days: int
    vendormat: str
    ext_product_id: str
    unspsc: str
    long_text: str = ""
    custom: tuple[str, ...] = ()


def new_item_fields(
    items: Sequence[OciItem], cust_fields: Sequence[str] = DEFAULT_CUST_FIELDS
) -> list[tuple[str, str]]:
    """The ``NEW_ITEM-*`` fields of a cart; every field present for every item."""
    fields: list[tuple[str, str]] = []
    names = list(cust_fields or DEFAULT_CUST_FIELDS)[:5]
    for n, item in enumerate(items, start=1):
        values = {
            "DESCRIPTION": cut(item.description, LENGTHS["DESCRIPTION"]),
            "QUANTITY": number(item.quantity.quantize(Decimal("0.001")).normalize()),
            "UNIT": item.unit[:3],
            "PRICE": number(
                item.price, 2 if item.price == item.price.quantize(Decimal("0.01")) else 3
            ),
            "PRICEUNIT": "1",
            "CURRENCY": item.currency[:5],
            "LEADTIME": str(item.lead_time_days)[:5],
            "VENDORMAT": item.vendormat[:40],
            "EXT_PRODUCT_ID": item.ext_product_id[:40],
            "MATGROUP": item.unspsc[:10],
            "EXT_SCHEMA_TYPE": "UNSPSC" if item.unspsc else "",
            "EXT_CATEGORY_ID": item.unspsc[:60],
        }
        for name, value in values.items():
            assert len(value) <= LENGTHS[name], (name, value)
            fields.append((f"NEW_ITEM-{name}[{n}]", value))
        for k, name in enumerate(names):
            value = item.custom[k] if k < len(item.custom) else ""
            fields.append((f"NEW_ITEM-{name}[{n}]", cut(value, CUST_LENGTHS[k])))
        fields.append((f"NEW_ITEM-LONGTEXT_{n}:132[]", item.long_text))
    return fields


def encodable(fields: Sequence[tuple[str, str]], charset: str) -> bool:
    """Whether every name and value can be sent in ``charset`` without loss."""
    try:
        for name, value in fields:
            name.encode(charset)
            value.encode(charset)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


#: Typographic characters legacy charsets lack, and their plain equivalents.
PLAIN = str.maketrans(
    {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
     "\u2026": "...", "\u00a0": " ", "\u00d7": "x"}
)  # fmt: skip


def choose_charset(
    requested: str, fields: Sequence[tuple[str, str]]
) -> tuple[str, list[tuple[str, str]]]:
    """The charset to send the form in, and the fields to send.

    The requested charset is used when it carries every character once typographic dashes
    and quotes are made plain; otherwise the form goes as UTF-8, unchanged. Nothing is ever
    replaced by ``?``. A charset outside :data:`CHARSETS` is never used.
    """
    wanted = form_charset(requested)
    if not wanted or wanted == "utf-8":
        return "utf-8", list(fields)
    plain = [(name, value.translate(PLAIN)) for name, value in fields]
    if encodable(plain, wanted):
        return wanted, plain
    return "utf-8", list(fields)


def read_new_items(form: Mapping[str, str]) -> list[dict[str, str]]:
    """The items of a NEW_ITEM form, by index (for tests and the buyer simulator).

    An index that is not a whole number from 1 to :data:`MAX_NEW_ITEMS` is an
    :class:`OciError` naming the field."""
    items: dict[int, dict[str, str]] = {}
    for name, value in form.items():
        if not name.upper().startswith("NEW_ITEM-"):
            continue
        rest = name[len("NEW_ITEM-") :]
        if rest.upper().startswith("LONGTEXT_") and ":" in rest:
            index = _item_index(rest[len("LONGTEXT_") : rest.index(":")], name)
            items.setdefault(index, {})["LONGTEXT"] = value
        elif rest.endswith("]") and "[" in rest:
            field_name, index_text = rest[:-1].split("[", 1)
            items.setdefault(_item_index(index_text, name), {})[field_name.upper()] = value
    return [items[k] for k in sorted(items)]


def _item_index(text: str, name: str) -> int:
    try:
        return parse_int(
            text, field=f"the item index of {name[:60]}", minimum=1, maximum=MAX_NEW_ITEMS
        )
    except BadNumber as exc:
        raise OciError(str(exc)) from None
