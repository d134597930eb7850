"""Serve the instant PrintNow stub on a bare asyncio HTTP/1.1 server (keep-alive).

A benchmark's PrintNow must cost next to nothing, or it competes with the connector for the
same cores: this server parses just enough HTTP to route a request to
:func:`bench.stub_printnow.answer`. It counts the calls it answers; ``GET /__bench/calls``
(not a PrintNow path, and not counted) tells the benchmark how many so far; ``GET
/__bench/designs/N`` gives the user N saved designs (:func:`bench.stub_printnow.set_designs`).

    python bench/stub_server.py PORT
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.stub_printnow import answer, set_designs

CALLS = 0


class StubProtocol(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        global CALLS
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].decode("latin-1").split("\r\n")
            length = 0
            for line in head[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            if len(self.buffer) < end + 4 + length:
                return
            sent = self.buffer[end + 4 : end + 4 + length]
            self.buffer = self.buffer[end + 4 + length :]
            method, path = head[0].split(" ")[:2]
            path = path.split("?", 1)[0]
            if path == "/__bench/calls":
                status, body = "200 OK", str(CALLS).encode()
            elif path.startswith("/__bench/designs/"):
                set_designs(int(path.rsplit("/", 1)[1]))
                status, body = "200 OK", b"true"
            else:
                CALLS += 1
                status, body = answer(method, path, sent)
            self.transport.write(
                f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )


async def serve(port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(StubProtocol, "127.0.0.1", port, backlog=2048)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1])))
