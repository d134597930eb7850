"""The buyer registry: which procurement organisations may punch out, and how.

One TOML file (``config/buyers.example.toml`` shows every key, commented). Each buyer has
its From credentials (domain matched case-insensitively, any of several), shared secrets
stored only as salted hashes (several at once during a rotation, each with an optional
``not_after``), an OCI password of its own stored the same way (``oci_secrets``: never the
cXML secret, which must not travel through every SAP user's browser), a storefront, a user
policy, a price list, its cart field, the hosts its carts may be returned to and the
operations it may use. A registry that does not validate is refused as a whole, with every
problem listed. Checking a presented secret or return URL against a buyer is
:mod:`punchout.domain.buyer_checks`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from punchout.domain.backchannel.registry import DocumentSettings, read_documents
from punchout.domain.profiles import (
    DEFAULT_PROFILE,
    PROFILE_NAMES,
    Dialect,
    apply_profile,
    get_profile,
    read_dialect,
)
from punchout.errors import ConnectorError

PROTOCOLS = ("cxml", "oci")
USER_POLICIES = ("per_user", "shared", "guest")
#: How the cart travels in the browser's form post (cXML User's Guide, "PunchOutOrderMessage":
#: the cXML-base64 and cXML-urlencoded fields). "both" sends the two fields in one form, only
#: for a buyer's system that needs it: the guide says to send one.
CART_TRANSPORTS = ("base64", "urlencoded", "both")
#: The older ``cart_field`` setting (a field name, in any case) and the transport it means.
_CART_FIELD_TRANSPORTS = {"cxml-base64": "base64", "cxml-urlencoded": "urlencoded"}
OPERATIONS = ("create", "edit", "inspect")
DEFAULT_IDENTITY_CHAIN = (
    "extrinsic:UserEmail",
    "extrinsic:UniqueName",
    "extrinsic:User",
    "contact:email",
    "contact:name",
)


class RegistryError(ConnectorError, ValueError):
    """The registry file cannot be used; ``problems`` lists everything wrong (for the
    operator: a request that meets it is answered as an unexpected failure)."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


@dataclass(frozen=True)
class Secret:
    """A stored shared secret (or OCI password): its hash and when it stops working."""

    hash: str = field(repr=False)
    not_after: datetime | None = None

    def valid_at(self, now: datetime) -> bool:
        return self.not_after is None or now <= self.not_after


@dataclass(frozen=True)
class OciSettings:
    """How an OCI buyer's catalog call-up is read."""

    username: str = ""
    username_field: str = "USERNAME"
    password_field: str = "PASSWORD"  # noqa: S105 (a form field name)
    hook_field: str = "HOOK_URL"
    user_fields: tuple[str, ...] = ("USER_EMAIL", "EMAIL", "SY-UNAME")
    cust_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Buyer:
    id: str
    name: str
    storefront_id: int
    enabled: bool = True
    protocols: tuple[str, ...] = ("cxml",)
    credentials: tuple[tuple[str, str], ...] = ()
    secrets: tuple[Secret, ...] = ()
    #: The OCI catalog password (hashed, rotated with an overlap like ``secrets``).
    oci_secrets: tuple[Secret, ...] = ()
    user_policy: str = "per_user"
    price_book: str = "standard"
    #: "base64", "urlencoded" or "both" (see :data:`CART_TRANSPORTS`).
    cart_transport: str = "base64"
    return_hosts: tuple[str, ...] = ()
    operations: tuple[str, ...] = OPERATIONS
    identity_chain: tuple[str, ...] = DEFAULT_IDENTITY_CHAIN
    price_tolerance: str = "0.00"
    #: An OrderRequest quantity that differs from the cart's: "reprice" (accept it at the
    #: price book's price for that quantity) or "reject" (answer 400 naming the line).
    quantity_changes: str = "reprice"
    #: The storefront's status for a cancelled order; empty: the order_cancel_status setting.
    cancel_status: str = ""
    #: Accept plain-http return URLs on the allowed hosts (buyers' test systems only).
    allow_http_return: bool = False
    oci: OciSettings = field(default_factory=OciSettings)
    #: The dialect profile the buyer's table starts from (:mod:`punchout.domain.profiles`).
    profile: str = DEFAULT_PROFILE
    #: The system's rules for users, units, descriptions and frames (profile, then buyer).
    dialect: Dialect = field(default_factory=Dialect)
    #: Where the documents sent after an order go (None: the buyer takes none).
    documents: DocumentSettings | None = None


@dataclass(frozen=True)
class BuyerRegistry:
    buyers: dict[str, Buyer]
    #: Each buyer by its (case-folded domain, identity) credentials, built with the registry:
    #: a request's From credential is found without a pass over every buyer.
    _by_credential: dict[tuple[str, str], Buyer] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        for buyer in self.buyers.values():
            for domain, identity in buyer.credentials:
                # The first buyer naming a credential keeps it, as a pass in order would.
                self._by_credential.setdefault((domain.casefold(), identity), buyer)

    @classmethod
    def empty(cls) -> BuyerRegistry:
        return cls({})

    @classmethod
    def load(cls, path: Path) -> BuyerRegistry:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise RegistryError(path, [f"cannot be read: {exc}"]) from None
        except tomllib.TOMLDecodeError as exc:
            raise RegistryError(path, [f"is not valid TOML: {exc}"]) from None
        return cls.from_dict(data, path)

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: Path | str = "<registry>") -> BuyerRegistry:
        problems: list[str] = []
        buyers = {}
        section = data.get("buyers", {})
        if not isinstance(section, dict):
            raise RegistryError(source, ["[buyers] must be a table"])
        for buyer_id, raw in section.items():
            buyer = _buyer(str(buyer_id), raw, problems)
            if buyer is not None:
                buyers[buyer.id] = buyer
        seen: dict[tuple[str, str], str] = {}
        for buyer in buyers.values():
            for domain, identity in buyer.credentials:
                key = (domain.casefold(), identity)
                if key in seen:
                    problems.append(
                        f"buyers.{buyer.id}: credential {domain}:{identity} is also used by "
                        f"buyers.{seen[key]}"
                    )
                seen[key] = buyer.id
        if problems:
            raise RegistryError(source, problems)
        return cls(buyers)

    def get(self, buyer_id: str) -> Buyer | None:
        return self.buyers.get(buyer_id)

    def all(self) -> list[Buyer]:
        return sorted(self.buyers.values(), key=lambda b: b.id)

    def find_by_credentials(self, credentials: Iterable[tuple[str, str]]) -> Buyer | None:
        """The buyer owning any of the (domain, identity) pairs; domains match in any case."""
        for domain, identity in credentials:
            buyer = self._by_credential.get((domain.strip().casefold(), identity.strip()))
            if buyer is not None:
                return buyer
        return None

    def find_by_oci_username(self, username: str) -> Buyer | None:
        wanted = username.strip().casefold()
        if not wanted:
            return None
        return next(
            (
                b
                for b in self.buyers.values()
                if "oci" in b.protocols and b.oci.username.casefold() == wanted
            ),
            None,
        )


# ------------------------------------------------------------------------ validation


def _buyer(buyer_id: str, raw: Any, problems: list[str]) -> Buyer | None:
    where = f"buyers.{buyer_id}"
    if not isinstance(raw, dict):
        problems.append(f"{where} must be a table")
        return None
    profile_name = raw.get("profile", DEFAULT_PROFILE)
    profile = get_profile(profile_name) if isinstance(profile_name, str) else None
    if profile is None:
        problems.append(
            f"{where}.profile must be one of {', '.join(PROFILE_NAMES)}, not {profile_name!r}"
        )
        return None
    before = len(problems)
    raw = apply_profile(profile, _older_cart_field(raw, where, problems))

    def text(name: str, default: str | None = None) -> str:
        value = raw.get(name, default)
        if not isinstance(value, str) or (default is None and not value.strip()):
            problems.append(f"{where}.{name} must be a non-empty string")
            return ""
        return value.strip()

    def texts(
        name: str, default: tuple[str, ...], allowed: tuple[str, ...] = ()
    ) -> tuple[str, ...]:
        value = raw.get(name, list(default))
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f"{where}.{name} must be a list of strings")
            return default
        for v in value:
            if allowed and v not in allowed:
                problems.append(f"{where}.{name}: {v!r} is not one of {', '.join(allowed)}")
        return tuple(v.strip() for v in value)

    def choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
        value = raw.get(name, default)
        if value not in allowed:
            problems.append(f"{where}.{name} must be one of {', '.join(allowed)}, not {value!r}")
            return default
        return str(value)

    storefront = raw.get("storefront_id")
    if isinstance(storefront, bool) or not isinstance(storefront, int) or storefront < 1:
        problems.append(f"{where}.storefront_id must be a positive integer")
        storefront = 0
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        problems.append(f"{where}.enabled must be true or false")
    allow_http = raw.get("allow_http_return", False)
    if not isinstance(allow_http, bool):
        problems.append(f"{where}.allow_http_return must be true or false")
    protocols = texts("protocols", ("cxml",), PROTOCOLS)
    credentials = _credentials(raw.get("credentials", []), where, problems)
    secrets = _secrets(raw.get("secrets", []), where, problems)
    oci_secrets = _secrets(raw.get("oci_secrets", []), where, problems, name="oci_secrets")
    if "cxml" in protocols and not credentials:
        problems.append(f"{where} speaks cxml but has no [[{where}.credentials]]")
    oci = _oci(raw.get("oci", {}), where, problems)
    if "oci" in protocols and not oci.username:
        problems.append(f"{where} speaks oci but has no oci.username")
    buyer = Buyer(
        id=buyer_id,
        name=text("name"),
        storefront_id=int(storefront),
        enabled=bool(enabled),
        protocols=protocols,
        credentials=credentials,
        secrets=secrets,
        oci_secrets=oci_secrets,
        user_policy=choice("user_policy", "per_user", USER_POLICIES),
        price_book=text("price_book", "standard"),
        cart_transport=choice("cart_transport", "base64", CART_TRANSPORTS),
        return_hosts=texts("return_hosts", ()),
        operations=texts("operations", OPERATIONS, OPERATIONS),
        identity_chain=texts("identity_chain", DEFAULT_IDENTITY_CHAIN),
        price_tolerance=text("price_tolerance", "0.00"),
        allow_http_return=bool(allow_http),
        quantity_changes=choice("quantity_changes", "reprice", ("reprice", "reject")),
        cancel_status=text("cancel_status", ""),
        oci=oci,
        profile=profile.name,
        dialect=read_dialect(raw, where, problems),
        documents=read_documents(
            raw.get("documents"), where, problems, allow_http=allow_http is True
        ),
    )
    for source in buyer.identity_chain:
        kind, _, name = source.partition(":")
        if kind not in ("extrinsic", "contact", "oci") or not name:
            problems.append(
                f"{where}.identity_chain: {source!r} must look like extrinsic:<name>, "
                "contact:email, contact:name or oci:<field>"
            )
    if "create" not in buyer.operations:
        problems.append(f"{where}.operations must include create")
    return buyer if len(problems) == before else None


def _older_cart_field(raw: dict[str, Any], where: str, problems: list[str]) -> dict[str, Any]:
    """The table with the older ``cart_field`` key (a field name, any case) as its transport."""
    if "cart_field" not in raw:
        return raw
    raw = dict(raw)
    value = raw.pop("cart_field")
    transport = _CART_FIELD_TRANSPORTS.get(str(value).strip().lower())
    if transport is None:
        problems.append(f"{where}.cart_field must be cxml-base64 or cxml-urlencoded, not {value!r}")
    elif "cart_transport" not in raw:
        raw["cart_transport"] = transport
    return raw


def _credentials(value: Any, where: str, problems: list[str]) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, list):
        problems.append(f"{where}.credentials must be an array of tables")
        return ()
    found = []
    for n, item in enumerate(value, start=1):
        if (
            not isinstance(item, dict)
            or not str(item.get("domain", "")).strip()
            or not str(item.get("identity", "")).strip()
        ):
            problems.append(f"{where}.credentials[{n}] needs a domain and an identity")
            continue
        found.append((str(item["domain"]).strip(), str(item["identity"]).strip()))
    return tuple(found)


def _secrets(
    value: Any, where: str, problems: list[str], name: str = "secrets"
) -> tuple[Secret, ...]:
    if not isinstance(value, list):
        problems.append(f"{where}.{name} must be an array of tables")
        return ()
    found = []
    for n, item in enumerate(value, start=1):
        stored = item.get("hash") if isinstance(item, dict) else None
        if not isinstance(stored, str) or not stored.startswith("scrypt$"):
            problems.append(
                f"{where}.{name}[{n}].hash must be a scrypt hash (made by `punchout buyers add`)"
            )
            continue
        not_after = item.get("not_after")
        if isinstance(not_after, str) and not_after:
            try:
                not_after = datetime.fromisoformat(not_after)
            except ValueError:
                problems.append(f"{where}.{name}[{n}].not_after is not an ISO date-time")
                continue
        if isinstance(not_after, datetime):
            not_after = not_after if not_after.tzinfo else not_after.replace(tzinfo=UTC)
        elif not_after not in (None, ""):
            problems.append(f"{where}.{name}[{n}].not_after is not a date-time")
            continue
        found.append(Secret(hash=stored, not_after=not_after or None))
    return tuple(found)


def _oci(value: Any, where: str, problems: list[str]) -> OciSettings:
    if not isinstance(value, dict):
        problems.append(f"{where}.oci must be a table")
        return OciSettings()
    defaults = OciSettings()
    strings = {}
    for name in ("username", "username_field", "password_field", "hook_field"):
        item = value.get(name, getattr(defaults, name))
        if not isinstance(item, str):
            problems.append(f"{where}.oci.{name} must be a string")
            item = getattr(defaults, name)
        strings[name] = item.strip()
    lists = {}
    for name in ("user_fields", "cust_fields"):
        item = value.get(name, list(getattr(defaults, name)))
        if not isinstance(item, list) or not all(isinstance(v, str) for v in item):
            problems.append(f"{where}.oci.{name} must be a list of strings")
            item = list(getattr(defaults, name))
        lists[name] = tuple(item)
    if len(lists["cust_fields"]) > 5:
        problems.append(f"{where}.oci.cust_fields has at most 5 names")
    return OciSettings(
        username=strings["username"],
        username_field=strings["username_field"],
        password_field=strings["password_field"],
        hook_field=strings["hook_field"],
        user_fields=lists["user_fields"],
        cust_fields=lists["cust_fields"],
    )
