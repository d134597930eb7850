"""The transport against real servers: kept-alive connections, a server that closes them,
timeouts, answer sizes and codings, TLS verification and proxies."""

from __future__ import annotations

import gc
import json
import socket
import ssl
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from punchout.printnow import PrintNowClient, PrintNowConnectionError, PrintNowTimeout
from punchout.printnow.errors import UnexpectedResponse
from punchout.printnow.transport import Answer, Transport
from tests.printnow.servers import Proxy, RawServer, chunked, read_request, reply, self_signed

HEADERS = {"Accept": "application/json"}
TIMEOUT = (2.0, 2.0)


def transport(**kwargs: Any) -> Transport:
    return Transport(HEADERS, proxies={}, **kwargs)


def send(t: Transport, url: str, method: str = "GET", body: bytes | None = None) -> Answer:
    return t.send(method, url, endpoint=f"{method} /", timeout=TIMEOUT, body=body)


def keeps_alive(connection: socket.socket) -> int:
    """Answers every request on the connection with its number; returns how many."""
    served = 0
    while read_request(connection) is not None:
        served += 1
        connection.sendall(reply({"n": served}))
    return served


def one_per_connection(connection: socket.socket) -> int:
    """Answers one request as if the connection stayed open, then closes it (a server's idle
    timeout, RFC 9112 §9.3.1)."""
    if read_request(connection) is None:
        return 0
    connection.sendall(reply({"n": 1}))
    return 1


def test_calls_share_one_kept_alive_connection() -> None:
    with RawServer(keeps_alive) as server:
        t = transport()
        numbers = [send(t, server.url + "/x").json()["n"] for _ in range(20)]
        assert numbers == list(range(1, 21))
        assert server.connections == 1


def test_each_thread_has_its_own_connection() -> None:
    with RawServer(keeps_alive) as server:
        t = transport()
        seen: list[int] = []

        def calls() -> None:
            seen.extend(send(t, server.url + "/x").json()["n"] for _ in range(5))

        threads = [threading.Thread(target=calls) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(seen) == sorted(list(range(1, 6)) * 3)
        assert server.connections == 3


def test_a_connection_the_server_closed_is_replaced_and_no_post_is_sent_twice() -> None:
    with RawServer(one_per_connection) as server:
        t = transport()
        for _ in range(5):
            assert send(t, server.url + "/x", "POST", b"{}").status == 200
            time.sleep(0.05)  # the server's close arrives while the connection is idle
        assert server.connections == 5
        assert server.results == [1] * 5  # each POST reached the server once


def closes_on_the_second_request(connection: socket.socket) -> list[bytes]:
    """Answers the first request, reads the second and closes without an answer: the race
    of RFC 9112 §9.3.1, where the server closed just as the request was sent. Returns the
    requests it processed."""
    processed = []
    first = read_request(connection)
    if first is None:
        return processed
    processed.append(first[1])
    connection.sendall(reply({"n": 1}))
    read_request(connection)
    return processed


def test_a_get_that_meets_the_close_of_a_reused_connection_is_sent_again() -> None:
    with RawServer(closes_on_the_second_request) as server:
        t = transport()
        assert send(t, server.url + "/x", "POST", b'{"a": 1}').status == 200
        assert send(t, server.url + "/x").json() == {"n": 1}  # a GET: answered on a new one
        assert server.wait_for(2) == 2
        t.close()
        time.sleep(0.1)
        processed = sorted(body for bodies in server.results for body in bodies)
        assert processed == [b"", b'{"a": 1}']


def test_a_post_that_meets_the_close_after_it_was_sent_is_not_sent_again() -> None:
    """The server read the whole POST and closed without answering: it may have acted on it
    (RFC 9110 §9.2.2), so the POST fails as unreachable rather than going out twice."""
    with RawServer(closes_on_the_second_request) as server:
        t = transport()
        assert send(t, server.url + "/x", "POST", b'{"a": 1}').status == 200
        with pytest.raises(PrintNowConnectionError):
            send(t, server.url + "/x", "POST", b'{"a": 2}')
        time.sleep(0.1)
        assert server.connections == 1


def test_a_fresh_connection_that_closes_is_an_error_not_a_resend() -> None:
    with RawServer(lambda connection: read_request(connection)) as server:
        with pytest.raises(PrintNowConnectionError):
            send(transport(), server.url + "/x", "POST", b"{}")
        time.sleep(0.1)
        assert server.connections == 1


def test_an_answer_cut_short_is_not_sent_again() -> None:
    def cuts(connection: socket.socket) -> None:
        while read_request(connection) is not None:
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}")
            return

    with RawServer(keeps_alive) as alive, RawServer(cuts) as server:
        t = transport()
        send(t, alive.url + "/x")
        with pytest.raises(PrintNowConnectionError):
            send(t, server.url + "/x", "POST", b"{}")
        assert server.connections == 1


def silent(connection: socket.socket) -> None:
    """Reads a request and answers nothing for a second."""
    read_request(connection)
    time.sleep(1)


def test_a_read_timeout() -> None:
    with RawServer(silent) as server:
        started = time.monotonic()
        with pytest.raises(PrintNowTimeout):
            transport().send("GET", server.url + "/", endpoint="GET /", timeout=(2.0, 0.2))
        assert 0.15 < time.monotonic() - started < 0.8


def test_a_connect_timeout_during_the_tls_handshake() -> None:
    # A listener that never answers the ClientHello: the handshake is bounded by the connect
    # timeout.
    with RawServer(lambda connection: time.sleep(1)) as server:
        started = time.monotonic()
        with pytest.raises(PrintNowTimeout):
            transport().send(
                "GET", server.url.replace("http:", "https:") + "/", endpoint="GET /",
                timeout=(0.2, 5.0),
            )  # fmt: skip
        assert time.monotonic() - started < 0.8


def test_an_answer_larger_than_the_cap_is_refused() -> None:
    big = reply({"data": "x" * 2000})
    stream = chunked([b"x" * 700] * 3)

    def answers(connection: socket.socket) -> None:
        while (request := read_request(connection)) is not None:
            connection.sendall(stream if b"chunked" in request[0].split(b"\r\n")[0] else big)

    with RawServer(answers) as server:
        t = transport(max_body=1000)
        with pytest.raises(UnexpectedResponse) as caught:
            send(t, server.url + "/length")
        assert caught.value.status == 200 and "larger than 1000 bytes" in caught.value.message
        with pytest.raises(UnexpectedResponse):
            send(t, server.url + "/chunked")
        assert send(transport(max_body=2100), server.url + "/chunked").body == b"x" * 2100


def test_a_chunked_answer_is_read_whole() -> None:
    pieces = [b'{"items": [', b"1, 2, ", b"3]}"]

    def answers(connection: socket.socket) -> None:
        while read_request(connection) is not None:
            connection.sendall(chunked(pieces))

    with RawServer(answers) as server:
        t = transport()
        assert send(t, server.url + "/x").json() == {"items": [1, 2, 3]}
        assert send(t, server.url + "/x").json() == {"items": [1, 2, 3]}
        assert server.connections == 1


def test_text_follows_the_charset_else_utf8() -> None:
    latin = Answer(200, _headers("text/plain; charset=iso-8859-1"), "café".encode("latin-1"))
    assert latin.text == "café"
    assert Answer(200, _headers("text/plain"), "café".encode()).text == "café"
    assert Answer(200, _headers("text/plain"), b"caf\xe9").text == "caf\ufffd"
    assert Answer(200, _headers("text/plain; charset=nonsense"), b"ok").text == "ok"


def _headers(content_type: str) -> Any:
    import email.message

    message = email.message.Message()
    message["Content-Type"] = content_type
    return message


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[RawServer, Path]]:
    cert, key = self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with RawServer(keeps_alive, tls=context) as server:
        yield server, cert


def test_a_certificate_no_trusted_authority_signed_is_refused(
    tls_server: tuple[RawServer, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, _ = tls_server
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    with pytest.raises(PrintNowConnectionError) as caught:
        send(transport(), server.url + "/x")
    assert isinstance(caught.value.__cause__, ssl.SSLCertVerificationError)


def test_the_ca_bundle_of_the_environment_is_trusted(
    tls_server: tuple[RawServer, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, cert = tls_server
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    t = transport()
    localhost = server.url.replace("127.0.0.1", "localhost")  # the name in the certificate
    assert [send(t, localhost + "/x").json()["n"] for _ in range(3)] == [1, 2, 3]
    with pytest.raises(PrintNowConnectionError) as caught:  # the same server by another name
        send(t, server.url + "/x")
    assert isinstance(caught.value.__cause__, ssl.SSLCertVerificationError)


def test_https_goes_through_a_connect_tunnel(
    tls_server: tuple[RawServer, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, cert = tls_server
    with Proxy() as proxy:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
        monkeypatch.setenv("HTTPS_PROXY", f"http://user:p%40ss@127.0.0.1:{proxy.port}")
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        localhost = server.url.replace("127.0.0.1", "localhost")
        client = PrintNowClient(localhost + "/api/v2", "t", "k")
        monkeypatch.delenv("HTTPS_PROXY")  # read once, when the client was made
        assert client.probe(localhost + "/", timeout=2.0) == 200
        assert client.probe(localhost + "/", timeout=2.0) == 200
        (head,) = proxy.heads  # one tunnel, kept alive
        assert head.startswith(f"CONNECT localhost:{server.port} HTTP/1.".encode())
        # the userinfo, percent-decoded (RFC 3986 §3.2.1), as Basic credentials
        assert b"Proxy-Authorization: Basic dXNlcjpwQHNz" in head


def test_http_goes_to_the_proxy_in_absolute_form() -> None:
    with RawServer(keeps_alive) as server, Proxy() as proxy:
        t = Transport(HEADERS, proxies={"http": f"http://u:p@127.0.0.1:{proxy.port}"})
        assert send(t, server.url + "/api/v2/x?y=1").json() == {"n": 1}
        (head,) = proxy.heads
        assert head.startswith(f"GET {server.url}/api/v2/x?y=1 HTTP/1.1".encode())
        assert b"Proxy-Authorization: Basic dTpw" in head


def test_a_proxy_it_cannot_use_is_refused_when_made() -> None:
    with pytest.raises(ValueError, match="only http:// proxies"):
        Transport(HEADERS, proxies={"https": "socks5://127.0.0.1:1080"})


def test_no_proxy_bypasses_the_proxy() -> None:
    with RawServer(keeps_alive) as server, Proxy() as proxy:
        proxies = {"http": f"http://127.0.0.1:{proxy.port}", "no": "127.0.0.1"}
        assert send(Transport(HEADERS, proxies=proxies), server.url + "/x").status == 200
        assert proxy.heads == [] and server.connections == 1


def test_the_observer_sees_every_exchange() -> None:
    seen: list[tuple[Any, ...]] = []
    with RawServer(keeps_alive) as server, RawServer(silent) as quiet:
        t = transport(observer=lambda *event: seen.append(event))
        send(t, server.url + "/api/v2/order/7")
        with pytest.raises(PrintNowTimeout):
            t.send("GET", quiet.url + "/", endpoint="GET /", timeout=(1.0, 0.1))
    (method, url, seconds, status, error), failed = seen
    assert (method, url, status, error) == ("GET", server.url + "/api/v2/order/7", 200, None)
    assert seconds > 0
    assert failed[3] is None and isinstance(failed[4], PrintNowTimeout)


def test_json_bodies_and_headers_reach_the_server() -> None:
    def echo(connection: socket.socket) -> None:
        while (request := read_request(connection)) is not None:
            head, body = request
            lines = head.decode().split("\r\n")
            headers = dict(line.split(": ", 1) for line in lines[1:])
            connection.sendall(reply({"line": lines[0], "headers": headers, "body": body.decode()}))

    with RawServer(echo) as server:
        client = PrintNowClient(server.url + "/api/v2", "tok", "key")
        client.request("POST", "/pipo/order/create", token="pn", body={"product_id": [1]})
        seen = client.request("PATCH", "/order/1/status", body={"a": "é"}).json()
    assert seen["line"] == "PATCH /api/v2/order/1/status HTTP/1.1"
    assert seen["headers"]["Authorization"] == "Basic dG9rOmtleQ=="
    assert seen["headers"]["Content-Type"] == "application/json"
    assert seen["headers"]["Accept"] == "application/json"
    assert "X-PN-TOKEN" not in seen["headers"]
    assert json.loads(seen["body"]) == {"a": "é"} and seen["body"] == '{"a": "\\u00e9"}'


def test_a_transport_dropped_in_a_reference_cycle_leaves_no_socket_to_the_collector() -> None:
    """A client dropped inside a reference cycle (an exception's traceback holding the frame
    that holds it, say) is freed by the garbage collector; its sockets are closed first, not
    finalized open (a ResourceWarning, an error under this suite's warning filter)."""
    with RawServer(keeps_alive) as server:
        for _ in range(20):  # the collector's order varies: enough rounds to meet it
            t = transport()
            send(t, server.url + "/x")
            cycle: list[object] = [t]
            cycle.append(cycle)
            del t, cycle
            with warnings.catch_warnings(record=True) as seen:
                warnings.simplefilter("always")
                gc.collect()
            assert not [w for w in seen if issubclass(w.category, ResourceWarning)]
        assert closed(server, 20) == 20  # every connection was closed: its handler ended


def test_the_connections_of_a_thread_that_ended_are_closed_by_the_next_thread() -> None:
    with RawServer(keeps_alive) as server:
        t = transport()
        first = threading.Thread(target=send, args=(t, server.url + "/x"))
        first.start()
        first.join()
        keep = first  # the thread object lives on; its pool must still go
        second = threading.Thread(target=send, args=(t, server.url + "/x"))
        second.start()
        second.join()
        assert closed(server, 1) == 1  # the first thread's connection, not the second's
        assert keep is first
        del t  # the transport goes: the second thread's pool with it
        assert closed(server, 2) == 2


def closed(server: RawServer, count: int, timeout: float = 3.0) -> int:
    """How many of the server's connections have ended, once ``count`` have (or at the
    timeout)."""
    end = time.monotonic() + timeout
    while len(server.results) < count and time.monotonic() < end:
        time.sleep(0.01)
    return len(server.results)
