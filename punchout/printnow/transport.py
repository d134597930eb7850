"""HTTP/1.1 for the PrintNow client, on the standard library's ``http.client``.

One kept-alive connection per thread and origin (``threading.local``: gunicorn's gthread
workers share the client across threads). Before an idle connection is reused it is checked
for a close by the server; a request that fails on a reused connection before any answer
arrived is sent once more on a fresh one (see :meth:`Transport._exchange`). Certificates and
host names are verified; the environment's proxies are read once. Answers are read whole, up
to :data:`MAX_BODY` bytes; redirects are not followed (the client reads a 3xx as unexpected).

Failures are the client's own errors: :class:`PrintNowTimeout` when the connect or read
timeout ran out, :class:`PrintNowConnectionError` for anything else that kept an answer from
arriving, :class:`UnexpectedResponse` for an answer too large to read.
"""

from __future__ import annotations

import base64
import email.message
import http.client
import json
import os
import select
import socket
import ssl
import threading
import time
import urllib.request
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from punchout.printnow.errors import PrintNowConnectionError, PrintNowTimeout, UnexpectedResponse

#: The largest answer read (PrintNow's print-file ZIPs included); a larger one is refused.
MAX_BODY = 32 * 1024 * 1024
_PIECE = 64 * 1024
#: RFC 9110 §9.2.2: the methods whose request, sent twice, has the effect of sending it once.
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})

#: Told of every exchange: ``(method, url, seconds, status or None, error or None)``.
Observer = Callable[[str, str, float, int | None, BaseException | None], None]
#: ``(connect, read)`` seconds.
Timeout = tuple[float, float]
_Origin = tuple[str, str, int]


@dataclass(frozen=True, slots=True)
class Answer:
    """One HTTP answer, read whole."""

    status: int
    headers: email.message.Message
    body: bytes

    def json(self) -> Any:
        """The body as JSON (``ValueError`` when it is not)."""
        return json.loads(self.body)

    @property
    def text(self) -> str:
        """The body decoded with the Content-Type's charset, else UTF-8 (bad bytes replaced)."""
        charset = self.headers.get_content_charset() or "utf-8"
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


@dataclass(frozen=True, slots=True)
class Proxy:
    """An HTTP proxy: where it listens and the ``Proxy-Authorization`` its URL gives."""

    host: str
    port: int
    authorization: str | None


def environment_proxies() -> dict[str, str]:
    """``HTTP_PROXY``, ``HTTPS_PROXY``, ``NO_PROXY``… as ``urllib.request.getproxies``
    reads them."""
    return urllib.request.getproxies()


def parse_proxy(url: str) -> Proxy:
    """A proxy URL (``http://user:password@host:port``) as a :class:`Proxy`."""
    parts = urlsplit(url if "://" in url else "http://" + url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"only http:// proxies are supported, not {parts.scheme}://")
    authorization = None
    if parts.username is not None:
        userinfo = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        authorization = "Basic " + base64.b64encode(userinfo.encode()).decode("ascii")
    return Proxy(parts.hostname, parts.port or 80, authorization)


def dropped(sock: socket.socket) -> bool:
    """Whether an idle connection was closed by the other end: an idle socket that is
    readable has either reached end of file or holds bytes no request asked for (as urllib3's
    ``is_connection_dropped`` reads it)."""
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


class _Pool(dict[_Origin, http.client.HTTPConnection]):
    """One thread's connections."""

    def close_all(self) -> None:
        for connection in self.values():
            connection.close()
        self.clear()


#: Each thread's pool, beside the thread it belongs to (weakly).
_Pools = list[tuple["weakref.ref[threading.Thread]", _Pool]]


def _close_pools(pools: _Pools) -> None:
    for _, pool in pools:
        pool.close_all()
    pools.clear()


class Transport:
    """Sends requests and reads answers over kept-alive connections (one per thread and
    origin). ``headers`` go with every request."""

    def __init__(
        self,
        headers: dict[str, str],
        *,
        observer: Observer | None = None,
        proxies: dict[str, str] | None = None,
        cafile: str | None = None,
        max_body: int = MAX_BODY,
    ) -> None:
        self.headers = headers
        self.observer = observer
        self.max_body = max_body
        self._proxies = environment_proxies() if proxies is None else proxies
        for scheme in ("http", "https"):  # a proxy this transport cannot use fails here
            if self._proxies.get(scheme):
                parse_proxy(self._proxies[scheme])
        self._cafile = cafile or default_cafile()
        self._context: ssl.SSLContext | None = None
        self._routes: dict[_Origin, Proxy | None] = {}
        self._origins: dict[tuple[str, str], _Origin] = {}
        self._local = threading.local()
        # Every thread's pool is also held here, so that no socket is ever left to the
        # garbage collector open: a thread's pool is closed when a later thread finds it
        # ended, and all of them when the transport goes (weakref.finalize runs before the
        # collector finalizes anything the transport held, even in a reference cycle).
        self._pools: _Pools = []
        self._pools_lock = threading.Lock()
        weakref.finalize(self, _close_pools, self._pools)

    # ------------------------------------------------------------------ public

    def send(
        self,
        method: str,
        url: str,
        *,
        endpoint: str,
        timeout: Timeout,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> Answer:
        """One exchange. ``endpoint`` names the call in errors."""
        started = time.perf_counter()
        status: int | None = None
        error: BaseException | None = None
        try:
            answer = self._exchange(method, url, endpoint, timeout, headers, body)
            status = answer.status
            return answer
        except BaseException as exc:
            error = exc
            status = getattr(exc, "status", None)
            raise
        finally:
            if self.observer is not None:
                self.observer(method, url, time.perf_counter() - started, status, error)

    def close(self) -> None:
        """Close this thread's connections."""
        pool: _Pool | None = getattr(self._local, "pool", None)
        if pool is not None:
            pool.close_all()

    # ------------------------------------------------------------------ one exchange

    def _exchange(
        self,
        method: str,
        url: str,
        endpoint: str,
        timeout: Timeout,
        extra: dict[str, str] | None,
        body: bytes | None,
    ) -> Answer:
        parts = urlsplit(url)
        scheme, netloc = parts.scheme, parts.netloc
        origin = self._origins.get((scheme, netloc))
        if origin is None:
            if scheme not in ("http", "https") or not parts.hostname:
                message = "PrintNow could not be reached (not an http or https URL)."
                raise PrintNowConnectionError(None, message, endpoint=endpoint)
            port = parts.port or (443 if scheme == "https" else 80)
            origin = self._origins[scheme, netloc] = (scheme, parts.hostname, port)
        proxy = self._route(origin)
        target = (parts.path or "/") + ("?" + parts.query if parts.query else "")
        headers = {**self.headers, **extra} if extra else self.headers
        if proxy is not None and scheme == "http":
            target = f"http://{netloc}{target}"  # RFC 9112 §3.2.2: absolute-form to a proxy
            if proxy.authorization:
                headers = {**headers, "Proxy-Authorization": proxy.authorization}
        connection: http.client.HTTPConnection | None = None
        try:
            connection, reused = self._connection(origin, proxy, timeout)
            sent = False
            try:
                connection.request(method, target, body, headers)
                sent = True
                response = connection.getresponse()
            except (BrokenPipeError, ConnectionResetError) as exc:
                # RFC 9112 §9.3.1: a server may close an idle persistent connection at any
                # time, so a reused connection can meet that close. Sent again on a new
                # connection, once, only when that cannot repeat what the server did:
                # - the send itself failed: the server had closed before the request was
                #   whole, and no server acts on an incomplete request;
                # - the connection ended with no status line after the request was sent, for
                #   an idempotent method only (RFC 9110 §9.2.2): the server may have acted on
                #   it and closed before answering, and a POST (an order's create) is never
                #   sent twice; it fails as unreachable and the client's rules apply.
                # A fresh connection that fails is an answer in itself.
                idempotent = method in IDEMPOTENT
                no_answer = not sent or (
                    idempotent and isinstance(exc, http.client.RemoteDisconnected)
                )
                if not (reused and no_answer):
                    raise
                connection.close()
                connection, _ = self._connection(origin, proxy, timeout)
                connection.request(method, target, body, headers)
                response = connection.getresponse()
            return self._read(connection, response, endpoint)
        except TimeoutError:
            _close(connection)
            raise PrintNowTimeout(
                None, "PrintNow did not answer in time.", endpoint=endpoint
            ) from None
        except (OSError, http.client.HTTPException) as exc:
            _close(connection)
            raise PrintNowConnectionError(
                None, "PrintNow could not be reached.", endpoint=endpoint
            ) from exc
        except BaseException:
            _close(connection)
            raise

    def _read(
        self, connection: http.client.HTTPConnection, response: http.client.HTTPResponse,
        endpoint: str,
    ) -> Answer:  # fmt: skip
        length = response.length
        if length is not None and length > self.max_body:
            connection.close()
            raise self._too_large(response.status, endpoint)
        if length is not None:
            body = response.read()
        else:  # chunked (RFC 9112 §7.1) or delimited by the close (§6.3)
            pieces: list[bytes] = []
            size = 0
            while piece := response.read(_PIECE):
                size += len(piece)
                if size > self.max_body:
                    connection.close()
                    raise self._too_large(response.status, endpoint)
                pieces.append(piece)
            body = b"".join(pieces)
        return Answer(response.status, response.msg, body)

    def _too_large(self, status: int, endpoint: str) -> UnexpectedResponse:
        return UnexpectedResponse(
            status, f"the answer is larger than {self.max_body} bytes", endpoint=endpoint
        )

    # ------------------------------------------------------------------ connections

    def _route(self, origin: _Origin) -> Proxy | None:
        """The proxy for an origin, or None (``NO_PROXY`` as urllib reads it); once each."""
        try:
            return self._routes[origin]
        except KeyError:
            pass
        scheme, host, _ = origin
        url = self._proxies.get(scheme)
        # NO_PROXY as urllib reads it (the function is not in typeshed's stubs).
        bypass = urllib.request.proxy_bypass_environment(  # type: ignore[attr-defined]
            host, self._proxies
        )
        proxy = None if not url or bypass else parse_proxy(url)
        self._routes[origin] = proxy
        return proxy

    def _connection(
        self, origin: _Origin, proxy: Proxy | None, timeout: Timeout
    ) -> tuple[http.client.HTTPConnection, bool]:
        """This thread's connection to ``origin`` and whether it was used before."""
        try:
            pool: _Pool = self._local.pool
        except AttributeError:
            pool = self._local.pool = self._new_pool()
        connection = pool.get(origin)
        if connection is not None and connection.sock is not None:
            if not dropped(connection.sock):
                connection.sock.settimeout(timeout[1])
                return connection, True
            connection.close()
        connection = pool[origin] = self._connect(origin, proxy, timeout)
        return connection, False

    def _new_pool(self) -> _Pool:
        """A pool for this thread; the pools of threads that have ended are closed."""
        pool = _Pool()
        with self._pools_lock:
            kept: _Pools = []
            for thread, other in self._pools:
                owner = thread()
                if owner is None or not owner.is_alive():
                    other.close_all()
                else:
                    kept.append((thread, other))
            kept.append((weakref.ref(threading.current_thread()), pool))
            self._pools[:] = kept
        return pool

    def _connect(
        self, origin: _Origin, proxy: Proxy | None, timeout: Timeout
    ) -> http.client.HTTPConnection:
        scheme, host, port = origin
        connection: http.client.HTTPConnection
        address = (proxy.host, proxy.port) if proxy is not None else (host, port)
        if scheme == "https":
            connection = http.client.HTTPSConnection(
                *address, timeout=timeout[0], context=self.context()
            )
            if proxy is not None:  # RFC 9110 §9.3.6: CONNECT, then TLS to the origin
                tunnel = {"Proxy-Authorization": proxy.authorization} if proxy.authorization else {}
                connection.set_tunnel(host, port, headers=tunnel)
        else:
            connection = http.client.HTTPConnection(*address, timeout=timeout[0])
        try:
            connection.connect()
        except BaseException:
            connection.close()
            raise
        assert connection.sock is not None
        connection.sock.settimeout(timeout[1])
        return connection

    def context(self) -> ssl.SSLContext:
        """Verifies certificates and host names against the CA bundle (made once); a
        directory of certificates is read as OpenSSL's ``capath`` (as requests does)."""
        if self._context is None:
            if os.path.isdir(self._cafile):
                self._context = ssl.create_default_context(capath=self._cafile)
            else:
                self._context = ssl.create_default_context(cafile=self._cafile)
        return self._context


def _close(connection: http.client.HTTPConnection | None) -> None:
    if connection is not None:
        connection.close()


def default_cafile() -> str:
    """``REQUESTS_CA_BUNDLE`` or ``CURL_CA_BUNDLE`` when set (as requests reads them), else
    certifi's bundle."""
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        return bundle
    import certifi

    return certifi.where()
