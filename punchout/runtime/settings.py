"""Settings: defaults from ``config/defaults.toml``, overridden by ``PUNCHOUT_*`` variables.

Secrets (PrintNow API token and key, the master key, the Flask secret key) have no default and
come only from the environment. :func:`load_settings` validates everything once, at start, and
raises one :class:`SettingsError` that lists every problem together, so an operator fixes the
whole configuration in one pass.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from punchout import resources

ENV_PREFIX = "PUNCHOUT_"

#: The built-in PrintNow sandbox's profiles, the default first: ``extended`` fills the
#: documentation's gaps, ``documented`` answers with only what it states (the sandbox's
#: ``profile`` module says what each answers).
SANDBOX_PROFILES = ("extended", "documented")

#: Settings that are secrets: environment only, never defaulted, never shown in a repr.
SECRET_NAMES = ("printnow_api_token", "printnow_api_key", "master_key", "secret_key")

#: The master keys a rotation replaced: still accepted for verifying and decrypting, never
#: for making anything new (environment only, comma-separated, newest first).
PREVIOUS_KEYS_NAME = "previous_master_keys"

#: The order_updated webhook's secret: environment only, optional (no webhook without it).
WEBHOOK_SECRET_NAME = "printnow_webhook_secret"  # noqa: S105 (a setting's name)

#: Shortest accepted master key and Flask secret key, in characters.
MIN_KEY_LENGTH = 32


class SettingsError(Exception):
    """The configuration has problems; ``problems`` lists each one as a sentence."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"the configuration has {len(problems)} problem(s):\n{lines}")


@dataclass(frozen=True)
class Settings:
    """Validated settings. Secret fields are left out of ``repr`` so they never reach a log."""

    printnow_url: str
    printnow_connect_timeout: float
    printnow_read_timeout: float
    printnow_retries: int
    public_url: str
    instance_path: Path
    session_ttl_seconds: int
    start_token_ttl_seconds: int
    storefront_url_template: str
    max_body_bytes: int
    buyers_file: str
    pricebook_file: str
    supplier_domain: str
    supplier_identity: str
    order_budget_seconds: float
    order_cancel_status: str
    redis_volatile_accepted: bool
    audit_days: int
    offer_days: int
    max_attachment_bytes: int
    sandbox_token_idle_seconds: int
    sandbox_merge_seconds: float
    sandbox_profile: str
    redis_url: str
    #: Failed authentications allowed per buyer credential and client address, in the
    #: ``limits`` notation ("10/minute;100/hour"); more are answered 429.
    auth_failure_limits: str
    #: Reverse proxies trusted to append the client's address to X-Forwarded-For.
    proxy_hops: int
    #: A test system: `punchout serve` accepts a public URL that is not https.
    test_system: bool
    #: Where an order that needs a person is announced: a webhook (POST JSON) and/or e-mail.
    alert_webhook_url: str
    alert_email_to: str
    alert_email_from: str
    smtp_server: str
    #: Supplier branding on every connector page (see defaults.toml).
    supplier_name: str
    brand_logo_url: str
    brand_color: str
    brand_text_color: str
    support_email: str
    support_phone: str
    price_note: str
    #: After the order (:mod:`punchout.domain.backchannel`): how often open orders are polled, how
    #: often a document is tried and the first retry's delay (doubled each time), the
    #: storefront's shipped status, and how the order_updated webhook is authenticated.
    documents_poll_seconds: int
    documents_attempts: int
    documents_backoff_seconds: int
    printnow_shipped_status: str
    printnow_webhook_auth: str
    printnow_webhook_header: str
    printnow_api_token: str = field(repr=False)
    printnow_api_key: str = field(repr=False)
    master_key: str = field(repr=False)
    secret_key: str = field(repr=False)
    previous_master_keys: tuple[str, ...] = field(default=(), repr=False)
    #: The order_updated webhook's shared secret (environment only; empty: webhooks refused).
    printnow_webhook_secret: str = field(default="", repr=False)

    @property
    def buyers_path(self) -> Path:
        return Path(self.buyers_file)

    @property
    def uses_sandbox(self) -> bool:
        """True when no PrintNow URL is configured and the built-in sandbox plays PrintNow."""
        return not self.printnow_url


def load_defaults() -> dict[str, Any]:
    """The shipped defaults, as read from ``config/defaults.toml``."""
    return tomllib.loads(resources.DEFAULTS.read_text("utf-8"))


def _convert(name: str, raw: str, like: Any, problems: list[str]) -> Any:
    """Turn an environment string into the type of the default it overrides."""
    try:
        if isinstance(like, bool):
            if raw.lower() not in {"1", "0", "true", "false", "yes", "no"}:
                raise ValueError(raw)
            return raw.lower() in {"1", "true", "yes"}
        if isinstance(like, int):
            return int(raw.replace("_", ""))
        if isinstance(like, float):
            return float(raw)
    except ValueError:
        problems.append(f"{ENV_PREFIX}{name.upper()}={raw!r} is not a valid {type(like).__name__}")
        return like
    return raw


def load_settings(
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    *,
    require_secrets: bool = True,
) -> Settings:
    """Build and validate the settings; raise :class:`SettingsError` listing all problems.

    ``overrides`` (for tests and the demo) win over the environment, which wins over the
    defaults. Secrets are taken from ``overrides`` or the environment only. With
    ``require_secrets=False`` (commands that only read and write the registry files) missing
    secrets are left empty instead of being a problem.
    """
    env = os.environ if environ is None else environ
    over = dict(overrides or {})
    problems: list[str] = []
    values: dict[str, Any] = load_defaults()

    unknown = sorted(set(over) - {f.name for f in dataclasses.fields(Settings)})
    problems.extend(f"unknown setting {name!r}" for name in unknown)

    for name, default in list(values.items()):
        env_name = f"{ENV_PREFIX}{name.upper()}"
        if name in over:
            values[name] = over[name]
        elif env_name in env:
            values[name] = _convert(name, env[env_name], default, problems)

    values["redis_url"] = over.get("redis_url", env.get("REDIS_URL", ""))
    for name in SECRET_NAMES:
        values[name] = over.get(name, env.get(f"{ENV_PREFIX}{name.upper()}", ""))
        if not values[name] and require_secrets:
            problems.append(
                f"{ENV_PREFIX}{name.upper()} is not set (secrets come only from the environment)"
            )

    values[WEBHOOK_SECRET_NAME] = over.get(
        WEBHOOK_SECRET_NAME, env.get(f"{ENV_PREFIX}{WEBHOOK_SECRET_NAME.upper()}", "")
    )
    previous = over.get(
        PREVIOUS_KEYS_NAME, env.get(f"{ENV_PREFIX}{PREVIOUS_KEYS_NAME.upper()}", "")
    )
    if isinstance(previous, str):
        previous = [k.strip() for k in previous.split(",") if k.strip()]
    values[PREVIOUS_KEYS_NAME] = tuple(previous)
    for n, key in enumerate(values[PREVIOUS_KEYS_NAME], start=1):
        if len(key) < MIN_KEY_LENGTH or key == values["master_key"]:
            problems.append(
                f"{ENV_PREFIX}{PREVIOUS_KEYS_NAME.upper()}: key {n} is shorter than "
                f"{MIN_KEY_LENGTH} characters or is the current master key"
            )
    try:
        from limits import parse_many  # here, not at import: read-only commands stay fast

        parse_many(str(values["auth_failure_limits"]))
    except ValueError:
        problems.append(
            f"auth_failure_limits must look like '10/minute;100/hour', "
            f"not {values['auth_failure_limits']!r}"
        )

    for name in ("master_key", "secret_key"):
        if values[name] and len(values[name]) < MIN_KEY_LENGTH:
            problems.append(
                f"{ENV_PREFIX}{name.upper()} is too short: "
                f"use at least {MIN_KEY_LENGTH} random characters"
            )

    _check_branding(values, problems)
    _check_url("public_url", values["public_url"], problems, required=True)
    _check_url("printnow_url", values["printnow_url"], problems, required=False)
    _check_url("alert_webhook_url", values["alert_webhook_url"], problems, required=False)
    if values["smtp_server"] and not re.fullmatch(
        r"[A-Za-z0-9.-]+(:[0-9]{1,5})?", str(values["smtp_server"])
    ):
        problems.append(f"smtp_server must be host or host:port, not {values['smtp_server']!r}")
    if values["alert_email_to"] and not values["smtp_server"]:
        problems.append("alert_email_to is set: set smtp_server (host or host:port) too")
    if values["redis_url"]:
        from punchout.runtime.redis_url import BadRedisUrl, client_from_url

        try:  # builds a client without connecting: only the URL is checked
            client_from_url(values["redis_url"])
        except BadRedisUrl as exc:
            problems.append(f"REDIS_URL {exc}")
        except ValueError as exc:
            problems.append(f"REDIS_URL is not a valid Redis URL: {exc}")
    for name in (
        "session_ttl_seconds",
        "start_token_ttl_seconds",
        "max_body_bytes",
        "sandbox_token_idle_seconds",
        "audit_days",
        "offer_days",
        "max_attachment_bytes",
    ):
        if int(values[name]) <= 0:
            problems.append(f"{name} must be a positive number, not {values[name]}")
    for name in ("printnow_connect_timeout", "printnow_read_timeout"):
        if float(values[name]) <= 0:
            problems.append(f"{name} must be a positive number of seconds, not {values[name]}")
    if not 5 <= float(values["order_budget_seconds"]) <= 55:
        problems.append("order_budget_seconds must be between 5 and 55 (buyers wait 60 s)")
    if not str(values["order_cancel_status"]).strip():
        problems.append("order_cancel_status must name a PrintNow order status")
    if int(values["printnow_retries"]) < 0:
        problems.append("printnow_retries must be 0 or more")
    if not 0 <= int(values["proxy_hops"]) <= 5:
        problems.append(f"proxy_hops must be from 0 to 5, not {values['proxy_hops']}")
    _check_documents(values, problems)
    if values["sandbox_profile"] not in SANDBOX_PROFILES:
        problems.append(f"sandbox_profile must be one of {', '.join(SANDBOX_PROFILES)}")
    if _real_printnow(values["printnow_url"]) and not values["storefront_url_template"]:
        problems.append(
            "storefront_url_template must be set when printnow_url is a real PrintNow: the "
            "storefront's punch-in URL with {token}, {storefront_id} and {return_url} "
            "(see docs/connecting-to-printnow.md)"
        )

    if problems:
        raise SettingsError(problems)

    values["instance_path"] = Path(values["instance_path"] or Path.cwd() / "instance").resolve()
    values["buyers_file"] = values["buyers_file"] or str(values["instance_path"] / "buyers.toml")
    values["public_url"] = values["public_url"].rstrip("/")
    values["printnow_url"] = values["printnow_url"].rstrip("/")
    return Settings(**values)


#: Host names that can never be a real PrintNow (loopback, and RFC 2606/6761 test names).
_TEST_HOSTS = ("localhost", "127.0.0.1", "::1")
_TEST_SUFFIXES = (".invalid", ".test", ".example", ".localhost")


def _real_printnow(url: str) -> bool:
    """Whether ``url`` may be a real PrintNow, whose storefront URL must then be configured
    (the built-in sandbox's storefront path exists only in the sandbox)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".") if url else ""
    if not host:
        return False
    return host not in _TEST_HOSTS and not host.endswith(_TEST_SUFFIXES)


def _check_documents(values: dict[str, Any], problems: list[str]) -> None:
    for name in ("documents_poll_seconds", "documents_attempts", "documents_backoff_seconds"):
        if int(values[name]) < 1:
            problems.append(f"{name} must be 1 or more, not {values[name]}")
    if values["printnow_webhook_auth"] not in ("signature", "secret"):
        problems.append("printnow_webhook_auth must be signature or secret")
    if not re.fullmatch(r"[A-Za-z0-9-]+", str(values["printnow_webhook_header"])):
        problems.append("printnow_webhook_header must be an HTTP header name")
    if not str(values["printnow_shipped_status"]).strip():
        problems.append("printnow_shipped_status must name a PrintNow order status")


def _check_url(name: str, value: str, problems: list[str], *, required: bool) -> None:
    if not value:
        if required:
            problems.append(f"{name} must be set")
        return
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        problems.append(f"{name} must be an http(s) URL, not {value!r}")


_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def _check_branding(values: dict[str, Any], problems: list[str]) -> None:
    """Colours as #rrggbb with readable contrast (WCAG 2.1 AA: 4.5:1), a name, an image URL."""
    if not str(values["supplier_name"]).strip():
        problems.append("supplier_name must be set: it heads every connector page")
    colours = [str(values[n]) for n in ("brand_color", "brand_text_color")]
    for name, colour in zip(("brand_color", "brand_text_color"), colours, strict=True):
        if not _HEX_COLOUR.fullmatch(colour):
            problems.append(f"{name} must be a colour such as #0f6e5f, not {colour!r}")
    if all(_HEX_COLOUR.fullmatch(c) for c in colours) and contrast(*colours) < 4.5:
        problems.append(
            f"brand_text_color {colours[1]} is not readable on brand_color {colours[0]} "
            f"(contrast {contrast(*colours):.1f}:1, at least 4.5:1 is needed)"
        )
    _check_url("brand_logo_url", str(values["brand_logo_url"]), problems, required=False)


def contrast(first: str, second: str) -> float:
    """The WCAG 2.1 contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
