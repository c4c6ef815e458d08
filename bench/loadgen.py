"""A lean HTTP/1.1 load generator: keep-alive connections, requests written as bytes.

The server and the load share this machine's 2 cores. httpx spends several milliseconds of CPU
on each request, enough to make the sender, not the server, the bottleneck at 100 requests a
second; this client spends tens of microseconds. It speaks only what the benchmark needs:
JSON requests, answers with a Content-Length (what uvicorn sends for a JSON response).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any


class Client:
    def __init__(self, host: str, port: int, limit: int = 400) -> None:
        self.host = host
        self.port = port
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self._slots = asyncio.Semaphore(limit)

    async def post(
        self, path: str, body: dict[str, Any], token: str | None = None
    ) -> tuple[int, bytes]:
        payload = json.dumps(body).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            "Content-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\n"
            + (f"Authorization: Bearer {token}\r\n" if token else "")
            + "\r\n"
        )
        return await self.send(head.encode() + payload)

    async def send(self, request: bytes) -> tuple[int, bytes]:
        async with self._slots:
            reader, writer = await self._connection()
            try:
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head[9:12])
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                body = await reader.readexactly(length)
            except BaseException:
                writer.close()
                raise
            self._idle.append((reader, writer))
            return status, body

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """An idle keep-alive connection the server has not closed, or a new one.

        uvicorn closes connections idle for 5 s; reusing one it already closed would fail the
        request with an incomplete read, as a careless client would, not as a browser does.
        """
        while self._idle:
            reader, writer = self._idle.pop()
            if not reader.at_eof() and not writer.is_closing():
                return reader, writer
            writer.close()
        return await asyncio.open_connection(self.host, self.port)

    async def close(self) -> None:
        for _, writer in self._idle:
            writer.close()
        self._idle.clear()
