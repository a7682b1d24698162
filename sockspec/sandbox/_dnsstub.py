"""The stub DNS server: the sans-I/O answers of ``_answer`` behind UDP and TCP sockets.

Each query is handled in its own daemon thread, so a delayed answer (the zone's
``delay_s``) holds up nobody else, and the sandbox's exit never waits for one.
Every query is logged as one JSON line, written and flushed at once: the
launcher may be killed at any moment, and the kit reads the log to prove that
a lookup reached the stub rather than any other resolver.  Errors go to the
same log, never to stderr, which inside the sandbox belongs to the command
whose output a spec is checking.
"""

from __future__ import annotations

import json
import socketserver
import struct
import sys
import threading
import time
from typing import IO, Any, cast

from ._answer import respond
from ._zone import Zone

__all__ = ["StubServer"]


class StubServer:
    """Serve ``zone`` on ``host:port`` over UDP and TCP, logging to ``log``.

    The sockets are bound when the constructor returns, so a resolver started
    afterwards cannot miss the server.  Port 0 gives each transport its own
    free port (for tests outside the sandbox).
    """

    def __init__(self, zone: Zone, log: IO[str], host: str = "127.0.0.1", port: int = 53) -> None:
        self.zone = zone
        self._log = log
        self._log_lock = threading.Lock()
        self._servers: list[socketserver.BaseServer] = [
            _UDPServer((host, port), _UDPHandler, self),
            _TCPServer((host, port), _TCPHandler, self),
        ]
        # A short poll interval keeps close() quick; inside the sandbox nothing closes the stub.
        self._threads = [threading.Thread(target=s.serve_forever, args=(0.05,), daemon=True) for s in self._servers]

    @property
    def udp_address(self) -> tuple[str, int]:
        return cast(tuple[str, int], self._servers[0].server_address)

    @property
    def tcp_address(self) -> tuple[str, int]:
        return cast(tuple[str, int], self._servers[1].server_address)

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def close(self) -> None:
        """Stop serving and close the sockets (answers still being delayed are dropped)."""
        for server, thread in zip(self._servers, self._threads, strict=True):
            if thread.is_alive():
                server.shutdown()
            server.server_close()

    def answer(self, query: bytes, transport: str) -> tuple[bytes | None, float]:
        """Answer ``query`` and log it; return the packet and how long to wait before sending."""
        reply = respond(self.zone, query)
        self.log(transport, reply.log)
        return reply.packet, reply.delay_s

    def log(self, transport: str, entry: dict[str, Any]) -> None:
        line = json.dumps({"time": round(time.time(), 6), "transport": transport, **entry})
        with self._log_lock:
            self._log.write(line + "\n")
            self._log.flush()


class _ServerMixin:
    """Keep a reference to the stub; report handler errors to its log."""

    daemon_threads = True
    block_on_close = False
    transport = ""

    def __init__(self, address: tuple[str, int], handler: type[socketserver.BaseRequestHandler], stub: StubServer):
        self.stub = stub
        super().__init__(address, handler)  # type: ignore[call-arg]

    def handle_error(self, request: object, client_address: object) -> None:
        self.stub.log(self.transport, {"error": f"{sys.exception()!r} while serving {client_address!r}"})


class _UDPServer(_ServerMixin, socketserver.ThreadingUDPServer):
    transport = "udp"


class _TCPServer(_ServerMixin, socketserver.ThreadingTCPServer):
    transport = "tcp"


class _UDPHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        query, sock = self.request
        packet, delay_s = cast(_UDPServer, self.server).stub.answer(query, "udp")
        if packet is not None:
            time.sleep(delay_s)
            sock.sendto(packet, self.client_address)


class _TCPHandler(socketserver.StreamRequestHandler):
    """RFC 7766 §8: each message is preceded by its two-byte length; a connection may carry several."""

    timeout = 10  # an idle client does not keep its thread forever

    def handle(self) -> None:
        stub = cast(_TCPServer, self.server).stub
        while len(prefix := self.rfile.read(2)) == 2:
            query = self.rfile.read(struct.unpack("!H", prefix)[0])
            packet, delay_s = stub.answer(query, "tcp")
            if packet is None:
                return
            time.sleep(delay_s)
            self.wfile.write(struct.pack("!H", len(packet)) + packet)
