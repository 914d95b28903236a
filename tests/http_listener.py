"""A tiny real HTTP/1.1 server on 127.0.0.1 for outgoing calls (webhooks, the payment
provider): it records each request and answers the given answers in turn (the last one
again once they run out)."""

from __future__ import annotations

import asyncio
import json


class Listener:
    """``answers``: HTTP statuses, or (status, JSON body) pairs. ``requests`` holds
    (headers, body) per call, ``lines`` the request lines ("POST /path HTTP/1.1")."""

    def __init__(self, answers, path: str = "/hooks"):
        self.answers = list(answers)
        self.path = path
        self.requests: list[tuple[dict, bytes]] = []
        self.lines: list[str] = []
        self.server = None

    async def _handle(self, reader, writer):
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in
                   (line.partition(":") for line in lines[1:] if line)}
        body = await reader.readexactly(int(headers.get("content-length", 0)))
        self.lines.append(lines[0])
        self.requests.append((headers, body))
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        status, payload = answer if isinstance(answer, tuple) else (answer, None)
        data = b"" if payload is None else json.dumps(payload).encode()
        kind = "content-type: application/json\r\n" if payload is not None else ""
        writer.write(f"HTTP/1.1 {status} X\r\n{kind}content-length: {len(data)}\r\n"
                     "connection: close\r\n\r\n".encode() + data)
        await writer.drain()
        writer.close()

    async def __aenter__(self):
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}{self.path}"
        return self

    async def __aexit__(self, *exc):
        self.server.close()
        await self.server.wait_closed()
