"""Small real servers for the transport tests: raw HTTP/1.1 over TCP (or TLS) with full
control of when a connection closes, and a forward/CONNECT proxy."""

from __future__ import annotations

import contextlib
import datetime
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any


class RawServer:
    """Accepts TCP connections on 127.0.0.1 and runs ``handler(connection)`` for each, in a
    thread of its own; the connection is closed when the handler returns. Counts connections
    and keeps what each handler returned."""

    def __init__(
        self,
        handler: Callable[[socket.socket], Any],
        *,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.handler = handler
        self.tls = tls
        self.connections = 0
        self.results: list[Any] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._listener.close()

    def wait_for(self, connections: int, timeout: float = 3.0) -> int:
        """The connection count once it reaches ``connections`` (or the timeout passes)."""
        end = time.monotonic() + timeout
        while self.connections < connections and time.monotonic() < end:
            time.sleep(0.01)
        return self.connections

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        try:
            if self.tls is not None:
                connection = self.tls.wrap_socket(connection, server_side=True)
            result = self.handler(connection)
            with self._lock:
                self.results.append(result)
        except (OSError, ssl.SSLError):
            pass
        finally:
            connection.close()


def read_request(connection: socket.socket) -> tuple[bytes, bytes] | None:
    """One request's head and body (Content-Length bodies only); None at end of file."""
    data = b""
    while b"\r\n\r\n" not in data:
        piece = connection.recv(65536)
        if not piece:
            return None
        data += piece
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        piece = connection.recv(65536)
        if not piece:
            return None
        body += piece
    return head, body


def reply(data: Any, status: int = 200) -> bytes:
    """A kept-alive JSON answer with a Content-Length."""
    body = json.dumps(data).encode()
    return (
        f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


def chunked(pieces: list[bytes], content_type: str = "application/json") -> bytes:
    """An answer in chunked transfer coding (RFC 9112 §7.1)."""
    head = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nTransfer-Encoding: chunked\r\n\r\n"
    body = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces)
    return head.encode() + body + b"0\r\n\r\n"


class Proxy(RawServer):
    """An HTTP proxy: CONNECT tunnels (RFC 9110 §9.3.6) and absolute-form requests
    forwarded as they came. Keeps each request head it received in ``heads``."""

    def __init__(self) -> None:
        super().__init__(self._proxy)
        self.heads: list[bytes] = []

    def _proxy(self, client: socket.socket) -> None:
        request = read_request(client)
        if request is None:
            return
        head, body = request
        self.heads.append(head)
        method, target, _ = head.split(b"\r\n")[0].split(b" ")
        if method == b"CONNECT":
            host, _, port = target.decode().rpartition(":")
            upstream = socket.create_connection((host, int(port)))
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        else:
            authority = target.split(b"/")[2].decode()
            host, _, port = authority.rpartition(":")
            upstream = socket.create_connection((host, int(port)))
            upstream.sendall(head + b"\r\n\r\n" + body)
        pipe = threading.Thread(target=_copy, args=(upstream, client), daemon=True)
        pipe.start()
        _copy(client, upstream)
        pipe.join(2)
        upstream.close()


def _copy(source: socket.socket, target: socket.socket) -> None:
    try:
        while piece := source.recv(65536):
            target.sendall(piece)
    except OSError:
        pass
    with contextlib.suppress(OSError):
        target.shutdown(socket.SHUT_WR)


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for the name localhost (not its address), and its key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "transport test")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost")]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file
