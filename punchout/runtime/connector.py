"""The connector's parts, wired once per process from the settings.

:class:`Connector` is the one owner of every part a request or a command needs: settings,
store, PrintNow client, sessions, accounts, keys, the order desk, the browser binding and the
failed-login limits. The app factory builds one and keeps it on the app
(:class:`punchout.web.context.ConnectorApp`); views and commands reach it through
:func:`punchout.web.context.connector`, so the domain modules never import Flask and tests can
build a connector around a real Redis and a live PrintNow sandbox.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from punchout import resources
from punchout.domain.accounts import Accounts
from punchout.domain.buyers import Buyer, BuyerRegistry
from punchout.domain.keys import Encryptor, KeyRing
from punchout.domain.orders import OrderDesk
from punchout.domain.pricebook import PriceBook
from punchout.domain.sessions import SessionStore
from punchout.printnow import PrintNowClient, PrintNowError
from punchout.runtime.settings import Settings
from punchout.runtime.store import Store
from punchout.web.auth_limit import AuthLimiter
from punchout.web.binding import Binding

log = logging.getLogger(__name__)


@dataclass
class _Loaded:
    """A file-backed value and the modification time it was read at."""

    mtime: float
    value: object


class ReloadingFile:
    """A TOML-backed object reloaded when its file changes (the admin CLI edits it live).

    A file that fails to load keeps the last good version in use and logs why, so a typo in
    the registry never takes every buyer offline.
    """

    def __init__(self, path: Path, loader: object) -> None:
        self.path = path
        self._loader = loader
        self._lock = threading.Lock()
        self._loaded: _Loaded | None = None

    def get(self) -> object:
        try:
            mtime = self.path.stat().st_mtime
        except FileNotFoundError:
            mtime = -1.0
        loaded = self._loaded
        if loaded is not None and loaded.mtime == mtime:
            return loaded.value
        with self._lock:
            try:
                value = self._loader(self.path)  # type: ignore[operator]
            except Exception as exc:
                if self._loaded is None:
                    raise
                log.error(
                    "%s could not be reloaded, keeping the previous version: %s", self.path, exc
                )
                return self._loaded.value
            self._loaded = _Loaded(mtime, value)
            return value


def _load_registry(path: Path) -> BuyerRegistry:
    if not path.exists():
        return BuyerRegistry.empty()
    return BuyerRegistry.load(path)


@dataclass
class Connector:
    """Everything a request needs: settings, stores, PrintNow, buyers, prices, keys, the order
    desk, the browser binding and the failed-login limits."""

    settings: Settings
    store: Store
    client: PrintNowClient
    sessions: SessionStore = field(init=False)
    accounts: Accounts = field(init=False)
    encryptor: Encryptor = field(init=False)
    keys: KeyRing = field(init=False, repr=False)
    #: The reference signing keys, current first (see :mod:`punchout.domain.references`).
    reference_key: tuple[bytes, ...] = field(init=False, repr=False)
    #: Purchase orders, created and processed once (a test may swap in one with its clock).
    orders: OrderDesk = field(init=False, repr=False)
    #: Which punch-out sessions a browser may use (the signed cookie).
    binding: Binding = field(init=False, repr=False)
    #: Failed cXML and OCI logins, counted in Redis.
    auth_limiter: AuthLimiter = field(init=False, repr=False)
    _registry: ReloadingFile = field(init=False, repr=False)
    _pricebook: ReloadingFile = field(init=False, repr=False)

    def __post_init__(self) -> None:
        s = self.settings
        self.keys = KeyRing(s.master_key, s.previous_master_keys)
        self.encryptor = Encryptor(s.master_key, s.previous_master_keys)
        self.sessions = SessionStore(
            self.store,
            session_ttl=s.session_ttl_seconds,
            start_token_ttl=s.start_token_ttl_seconds,
            encryptor=self.encryptor,
        )
        self.reference_key = self.keys.derive("references")
        self.accounts = Accounts(
            self.client, self.store, self.keys, self.encryptor, temp_days=s.offer_days
        )
        self._registry = ReloadingFile(s.buyers_path, _load_registry)
        self._pricebook = ReloadingFile(pricebook_path(s), PriceBook.load)
        self.orders = OrderDesk(self)
        self.binding = Binding(s.secret_key, max_age=s.session_ttl_seconds * 4)
        self.auth_limiter = AuthLimiter.for_store(self.store, s.auth_failure_limits)

    @property
    def registry(self) -> BuyerRegistry:
        value = self._registry.get()
        assert isinstance(value, BuyerRegistry)
        return value

    @property
    def pricebook(self) -> PriceBook:
        value = self._pricebook.get()
        assert isinstance(value, PriceBook)
        return value

    def buyer(self, buyer_id: str) -> Buyer | None:
        return self.registry.get(buyer_id)

    def end_pipo_session(self, token: str) -> None:
        """Log a PIPO token out (PIPO: GET /user/logout) so it stops working; a failure is
        only logged, as the token idles out on its own."""
        try:
            self.client.logout(token)
        except PrintNowError as exc:
            log.warning("PIPO logout failed (the token will idle out): %s", exc)

    def url(self, path: str) -> str:
        """An absolute URL of the connector, as browsers and buyers reach it."""
        return self.settings.public_url + path


def pricebook_path(settings: Settings) -> Path:
    """The configured price book, or the shipped example."""
    if settings.pricebook_file:
        return Path(settings.pricebook_file)
    return resources.EXAMPLE_PRICEBOOK


def make_printnow_client(settings: Settings) -> PrintNowClient:
    """The one PrintNow client of the process, configured from the settings."""
    return PrintNowClient(
        settings.printnow_url + "/api/v2",
        settings.printnow_api_token,
        settings.printnow_api_key,
        timeout=(settings.printnow_connect_timeout, settings.printnow_read_timeout),
        retries=settings.printnow_retries,
    )
