"""A local stand-in for the Hugging Face Hub, for tests and bench/download.py (stdlib only).

It answers the parts of the Hub API the app and huggingface_hub use, shaped as the real Hub
answers them (checked against huggingface_hub's HfApi, hf_hub_download and hf_raise_for_status):

- `GET /api/models?search=&filter=gguf&sort=downloads|likes|lastModified|createdAt&direction=-1
  &limit=&expand=...`: a JSON list; more pages through a `Link: <...>; rel="next"` header.
- `GET /api/models/{repo}` and `/api/models/{repo}/revision/{rev}`: repo info; `?blobs=true`
  (`files_metadata=True`) adds `size`, `blobId` and `lfs {sha256, size, pointerSize}` to
  `siblings`; `expand=` keeps only the fields asked for.
- `GET|HEAD /{repo}/resolve/{rev}/{path}`: an LFS file answers 302 with `X-Repo-Commit`,
  `X-Linked-Etag` (the LFS sha256, quoted), `X-Linked-Size`, `ETag` and a `Location` on a second
  port (the "CDN": another origin, as on the real Hub, so clients neither send the token there
  nor look for Hub headers there). A small non-LFS file answers 200 itself.
- `GET|HEAD` on the CDN: the bytes, with `Accept-Ranges`, `Content-Range` / 206 for a Range,
  416 past the end. Errors carry `X-Error-Code` (RepoNotFound, RevisionNotFound,
  EntryNotFound, GatedRepo) and `X-Error-Message`, which huggingface_hub turns into its errors.

Gated repos: info is public (as on the Hub); a file needs `Authorization: Bearer <token>` with a
token from the repo's `tokens` (401 without a token, 403 with another one).

Faults (`HubServer.set_fault`): cut the connection after N body bytes (`drop_after`, `times`
responses), wrong bytes (`corrupt`), a status (`status`: 404, 500...), a byte rate (`throttle`),
or a server that accepts and reads the request and never answers (`hang`). Each applies to one
file (or all) and to blob responses (or `where="resolve"` / `"api"` / `"any"`).

Every request is logged (`HubServer.requests`): server ("hub"/"cdn"), method, path, headers.

    with HubServer() as hub:               # 127.0.0.1, random ports
        hub.add_repo("org/Model-GGUF", {"model-Q4_0.gguf": b"GGUF..."}, downloads=10)
        hub.endpoint                        # "http://127.0.0.1:PORT"

`python tests/hub_server.py [--model PATH]` serves the standard repos until interrupted, printing
"READY <endpoint>" first (bench/download.py runs it that way, in a process of its own).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import json
import os
import random
import re
import socket
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

__all__ = [
    "SMOLLM_FILE",
    "SMOLLM_REPO",
    "Fault",
    "HubServer",
    "LoggedRequest",
    "fake_gguf",
    "standard_hub",
]

SMOLLM_REPO = "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF"
SMOLLM_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
_LFS_SUFFIXES = (".gguf", ".bin", ".safetensors")
_EXPANDABLE = {
    "author",
    "cardData",
    "createdAt",
    "disabled",
    "downloads",
    "downloadsAllTime",
    "gated",
    "gguf",
    "lastModified",
    "library_name",
    "likes",
    "pipeline_tag",
    "private",
    "sha",
    "siblings",
    "spaces",
    "tags",
    "trendingScore",
    "usedStorage",
}
_SHA_CACHE: dict[tuple[str, int, int], str] = {}
_SHA_LOCK = threading.Lock()


def fake_gguf(size: int, seed: int) -> bytes:
    """Deterministic bytes that start like a GGUF file (not a loadable model)."""
    return b"GGUF" + random.Random(seed).randbytes(max(0, size - 4))


# --------------------------------------------------------------------------- content


class _Blob:
    """One file's content: bytes in memory or a file on disk (served with sendfile)."""

    def __init__(self, content: bytes | Path) -> None:
        self.data = content if isinstance(content, bytes) else None
        self.path = Path(content) if isinstance(content, Path) else None
        self.size = len(self.data) if self.data is not None else self.path.stat().st_size  # type: ignore[union-attr]
        self._sha256: str | None = None

    @property
    def sha256(self) -> str:
        if self._sha256 is None:
            if self.data is not None:
                self._sha256 = hashlib.sha256(self.data).hexdigest()
            else:
                assert self.path is not None
                st = self.path.stat()
                key = (str(self.path), st.st_size, st.st_mtime_ns)
                with _SHA_LOCK:
                    if key not in _SHA_CACHE:
                        digest = hashlib.sha256()
                        with open(self.path, "rb") as f:
                            while block := f.read(1 << 22):
                                digest.update(block)
                        _SHA_CACHE[key] = digest.hexdigest()
                    self._sha256 = _SHA_CACHE[key]
        return self._sha256

    def read(self, start: int, end: int) -> bytes:
        if self.data is not None:
            return self.data[start:end]
        assert self.path is not None
        with open(self.path, "rb") as f:
            f.seek(start)
            return f.read(end - start)


@dataclass
class _File:
    name: str
    blob: _Blob

    @property
    def lfs(self) -> bool:
        return self.name.lower().endswith(_LFS_SUFFIXES) or self.blob.size > 10_000_000

    def pointer(self) -> bytes:
        return (
            f"version https://git-lfs.github.com/spec/v1\noid sha256:{self.blob.sha256}\n"
            f"size {self.blob.size}\n"
        ).encode()

    def blob_id(self) -> str:
        body = self.pointer() if self.lfs else (self.blob.data or b"")
        return hashlib.sha1(b"blob %d\0" % len(body) + body).hexdigest()


@dataclass
class Repo:
    repo_id: str
    files: dict[str, _File]
    gated: bool | str = False
    tokens: frozenset[str] = frozenset()
    downloads: int = 0
    likes: int = 0
    last_modified: str = "2024-06-01T12:00:00.000Z"
    created_at: str = "2024-01-01T12:00:00.000Z"
    tags: list[str] = field(default_factory=lambda: ["gguf"])
    gguf: dict[str, Any] | None = None
    history: dict[str, dict[str, _File]] = field(default_factory=dict)
    sha: str = ""

    def commit(self) -> str:
        """Record the current files as a new commit (older commits stay resolvable)."""
        self.sha = hashlib.sha1(f"{self.repo_id}:{len(self.history)}".encode()).hexdigest()
        self.history[self.sha] = dict(self.files)
        return self.sha

    def at(self, revision: str) -> dict[str, _File] | None:
        if revision == "main":
            return self.files
        return self.history.get(revision)

    @property
    def key(self) -> str:
        return hashlib.sha1(self.repo_id.encode()).hexdigest()[:16]


@dataclass
class Fault:
    """One injected failure. `times` is how many responses it hits (-1: all of them)."""

    file: str | None = None  # a file name in a repo, or None for every file
    where: str = "blob"  # "blob", "resolve", "api" or "any"
    drop_after: int | None = None
    corrupt: bool = False
    status: int | None = None
    throttle: int | None = None  # bytes per second
    hang: bool = False
    times: int = -1
    hits: int = 0

    def applies(self, where: str, file: str | None) -> bool:
        if self.times >= 0 and self.hits >= self.times:
            return False
        if self.where not in ("any", where):
            return False
        return self.file is None or self.file == file


@dataclass(frozen=True)
class LoggedRequest:
    server: str  # "hub" or "cdn"
    method: str
    path: str
    headers: dict[str, str]  # names as "Authorization", "Range", whatever case was sent
    time: float


# --------------------------------------------------------------------------- the server


class HubServer:
    """The stand-in: one port for the Hub, one for its CDN, shared state, a request log."""

    def __init__(self) -> None:
        self.repos: dict[str, Repo] = {}
        self.faults: list[Fault] = []
        self._log: list[LoggedRequest] = []
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        self.release = threading.Event()  # set to let hanging requests go
        self._servers: list[ThreadingHTTPServer] = []
        self._threads: list[threading.Thread] = []
        self.endpoint = ""
        self.cdn = ""

    # ---------------------------------------------------------------- setup

    def add_repo(
        self,
        repo_id: str,
        files: Mapping[str, bytes | Path],
        *,
        gated: bool | str = False,
        tokens: Iterable[str] = (),
        downloads: int = 0,
        likes: int = 0,
        last_modified: str = "2024-06-01T12:00:00.000Z",
        created_at: str = "2024-01-01T12:00:00.000Z",
        tags: Iterable[str] = ("gguf", "text-generation"),
        gguf: dict[str, Any] | None = None,
    ) -> Repo:
        repo = Repo(
            repo_id=repo_id,
            files={name: _File(name, _Blob(content)) for name, content in files.items()},
            gated=gated,
            tokens=frozenset(tokens),
            downloads=downloads,
            likes=likes,
            last_modified=last_modified,
            created_at=created_at,
            tags=list(tags),
            gguf=gguf,
        )
        repo.commit()
        with self._lock:
            self.repos[repo_id] = repo
        return repo

    def update_file(self, repo_id: str, name: str, content: bytes | Path) -> str:
        """Change (or add) a file on "main" as a new commit; returns the commit sha."""
        with self._lock:
            repo = self.repos[repo_id]
            repo.files = {**repo.files, name: _File(name, _Blob(content))}
            return repo.commit()

    def set_fault(self, file: str | None = None, **kwargs: Any) -> Fault:
        fault = Fault(file=file, **kwargs)
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()
        self.release.set()

    def file(self, repo_id: str, name: str) -> _File:
        return self.repos[repo_id].files[name]

    # ---------------------------------------------------------------- the log

    @property
    def requests(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    def _record(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._log.append(entry)

    def _fault(self, where: str, file: str | None) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.applies(where, file):
                    fault.hits += 1
                    return fault
        return None

    # ---------------------------------------------------------------- life

    def start(self) -> HubServer:
        for role in ("hub", "cdn"):
            server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self, role))
            server.daemon_threads = True
            self._servers.append(server)
            thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            thread.start()
            self._threads.append(thread)
        self.endpoint = f"http://127.0.0.1:{self._servers[0].server_address[1]}"
        self.cdn = f"http://127.0.0.1:{self._servers[1].server_address[1]}"
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.release.set()
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(5)

    def __enter__(self) -> HubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _handler(hub: HubServer, role: str) -> type[BaseHTTPRequestHandler]:
    class Handler(_Handler):
        pass

    Handler.hub = hub
    Handler.role = role
    return Handler


class _Handler(BaseHTTPRequestHandler):
    hub: HubServer
    role: str
    protocol_version = "HTTP/1.1"
    server_version = "hub-standin/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def handle(self) -> None:
        # A client may hang up at any point (a cancel, an unread redirect body): not an error here.
        with contextlib.suppress(ConnectionError, TimeoutError):
            super().handle()

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    # ---------------------------------------------------------------- dispatch

    def _serve(self, *, head: bool) -> None:
        self.hub._record(
            LoggedRequest(
                self.role,
                self.command,
                self.path,
                {_canonical(k): v for k, v in self.headers.items()},
                time.time(),
            )
        )
        try:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query, keep_blank_values=True)
            path = unquote(parts.path)
            if self.role == "cdn":
                self._blob(path, head)
            elif path == "/api/models":
                self._api("list", None, query, head)
            elif path.startswith("/api/models/"):
                self._api("info", path[len("/api/models/") :], query, head)
            elif "/resolve/" in path:
                self._resolve(path, head)
            else:
                self._error(404, "Not Found", "Sorry, we can't find the page you are looking for.")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _fault(self, where: str, file: str | None) -> tuple[bool, Fault | None]:
        """Apply a fault: (True, _) when it answered (or hung up) instead of the normal answer;
        else the fault that shapes the body, if any."""
        fault = self.hub._fault(where, file)
        if fault is None:
            return False, None
        if fault.hang:  # read the request, then say nothing until released
            while not (self.hub.stopping.is_set() or self.hub.release.is_set()):
                self.hub.release.wait(0.05)
            self.close_connection = True
            return True, None
        if fault.status is not None:
            self._error(fault.status, "Injected", f"injected status {fault.status}")
            return True, None
        return False, fault

    # ---------------------------------------------------------------- /api

    def _api(self, kind: str, rest: str | None, query: dict[str, list[str]], head: bool) -> None:
        if self._fault("api", None)[0]:
            return
        expand = query.get("expand", []) + query.get("expand[]", [])
        bad = [e for e in expand if e not in _EXPANDABLE]
        if bad:
            self._json(400, {"error": f'"expand" must be one of {sorted(_EXPANDABLE)}'}, head)
            return
        if kind == "list":
            self._list(query, expand, head)
            return
        assert rest is not None
        revision = "main"
        if "/revision/" in rest:
            rest, revision = rest.split("/revision/", 1)
        elif rest.count("/") > 1 and "/tree/" in rest:
            self._error(404, "Not Found", "tree listing is not served by this stand-in")
            return
        repo = self.hub.repos.get(rest)
        if repo is None:
            self._repo_not_found(head)
            return
        files = repo.at(revision)
        if files is None:
            self._error(404, "RevisionNotFound", f"Invalid rev id: {revision}", head=head)
            return
        blobs = _truthy(query.get("blobs"))
        info = self._info(repo, files, blobs=blobs)
        if revision != "main":
            info["sha"] = revision
        if expand:
            info = {k: v for k, v in info.items() if k in (*expand, "_id", "id")}
        self._json(200, info, head)

    def _info(self, repo: Repo, files: dict[str, _File], *, blobs: bool) -> dict[str, Any]:
        siblings = []
        for f in sorted(files.values(), key=lambda f: f.name):
            entry: dict[str, Any] = {"rfilename": f.name}
            if blobs:
                entry["blobId"] = f.blob_id()
                entry["size"] = f.blob.size
                if f.lfs:
                    entry["lfs"] = {
                        "sha256": f.blob.sha256,
                        "size": f.blob.size,
                        "pointerSize": len(f.pointer()),
                    }
            siblings.append(entry)
        info: dict[str, Any] = {
            "_id": repo.key + "00000000",
            "id": repo.repo_id,
            "modelId": repo.repo_id,
            "author": repo.repo_id.split("/")[0],
            "sha": repo.sha,
            "lastModified": repo.last_modified,
            "private": False,
            "disabled": False,
            "gated": repo.gated,
            "downloads": repo.downloads,
            "likes": repo.likes,
            "library_name": "gguf",
            "tags": repo.tags,
            "pipeline_tag": "text-generation",
            "createdAt": repo.created_at,
            "trendingScore": 0,
            "usedStorage": sum(f.blob.size for f in files.values()),
            "spaces": [],
            "siblings": siblings,
        }
        if repo.gguf is not None:
            info["gguf"] = repo.gguf
        return info

    def _list(self, query: dict[str, list[str]], expand: list[str], head: bool) -> None:
        search = (query.get("search") or [""])[0].lower()
        filters = query.get("filter", []) + query.get("filter[]", [])
        author = (query.get("author") or [""])[0]
        sort = (query.get("sort") or [""])[0]
        direction = (query.get("direction") or ["-1"])[0]
        limit = min(int((query.get("limit") or ["1000"])[0] or 1000), 1000)
        offset = int(base64.urlsafe_b64decode((query.get("cursor") or ["MA=="])[0]).decode())
        with self.hub._lock:
            repos = list(self.hub.repos.values())
        hits = [
            r
            for r in repos
            if search in r.repo_id.lower()
            and all(f in r.tags for f in filters)
            and (not author or r.repo_id.split("/")[0] == author)
        ]
        keys = {
            "downloads": lambda r: r.downloads,
            "likes": lambda r: r.likes,
            "lastModified": lambda r: r.last_modified,
            "createdAt": lambda r: r.created_at,
            "trendingScore": lambda r: 0,
        }
        if sort:
            if sort not in keys:
                self._json(400, {"error": f"Invalid sort: {sort}"}, head)
                return
            hits.sort(key=keys[sort], reverse=direction != "1")
        page = hits[offset : offset + limit]
        items = []
        for r in page:
            full = self._info(r, r.files, blobs=False)
            if expand:
                item = {k: v for k, v in full.items() if k in (*expand, "_id", "id")}
            else:
                keep = ("_id", "id", "likes", "trendingScore", "private", "downloads", "tags")
                item = {k: full[k] for k in keep}
                item.update(
                    pipeline_tag="text-generation",
                    library_name="gguf",
                    createdAt=r.created_at,
                    modelId=r.repo_id,
                )
            items.append(item)
        headers = {}
        if offset + limit < len(hits):
            params = [(k, v) for k, vs in query.items() if k != "cursor" for v in vs]
            cursor = base64.urlsafe_b64encode(str(offset + limit).encode()).decode()
            params.append(("cursor", cursor))
            headers["Link"] = f'<{self.hub.endpoint}/api/models?{urlencode(params)}>; rel="next"'
        self._json(200, items, head, headers)

    # ---------------------------------------------------------------- resolve

    def _resolve(self, path: str, head: bool) -> None:
        repo_part, _, rest = path.lstrip("/").partition("/resolve/")
        revision, _, name = rest.partition("/")
        repo = self.hub.repos.get(repo_part)
        if repo is None:
            self._repo_not_found(head)
            return
        files = repo.at(revision)
        if files is None:
            self._error(404, "RevisionNotFound", f"Invalid rev id: {revision}", head=head)
            return
        if repo.gated:
            token = _bearer(self.headers.get("Authorization"))
            if token not in repo.tokens:
                status = 401 if token is None else 403
                message = (
                    f"Access to model {repo.repo_id} is restricted. You must have access to it "
                    "and be authenticated to access it. Please log in."
                    if token is None
                    else f"Access to model {repo.repo_id} is restricted and you are not in the "
                    f"authorized list. Visit {self.hub.endpoint}/{repo.repo_id} to ask for access."
                )
                self._error(status, "GatedRepo", message, head=head)
                return
        if self._fault("resolve", name)[0]:
            return
        f = files.get(name)
        if f is None:
            self._error(404, "EntryNotFound", "Entry not found", head=head)
            return
        commit = repo.sha if revision == "main" else revision
        if not f.lfs:
            self._send_bytes(f, head, {"X-Repo-Commit": commit, "ETag": f'"{f.blob_id()}"'})
            return
        expires = int(time.time()) + 3600
        signature = hashlib.sha256(f"{f.blob.sha256}{expires}".encode()).hexdigest()[:40]
        disposition = _disposition(f.name)
        location = (
            f"{self.hub.cdn}/repos/{repo.key[:2]}/{repo.key[2:4]}/{repo.key}/{f.blob.sha256}?"
            + urlencode(
                {
                    "response-content-disposition": disposition,
                    "Expires": expires,
                    "Signature": signature,
                    "Key-Pair-Id": "K3ESJI6DHPFC7",
                }
            )
        )
        body = f"Found. Redirecting to {location}".encode()
        self.send_response(302)
        self._common_headers()
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Location", location)
        self.send_header("X-Repo-Commit", commit)
        self.send_header("X-Linked-Etag", f'"{f.blob.sha256}"')
        self.send_header("X-Linked-Size", str(f.blob.size))
        self.send_header("ETag", f'"{f.blob.sha256}"')
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    # ---------------------------------------------------------------- the CDN

    def _blob(self, path: str, head: bool) -> None:
        m = re.match(r"^/repos/[0-9a-f]{2}/[0-9a-f]{2}/([0-9a-f]{16})/([0-9a-f]{64})$", path)
        found: _File | None = None
        if m:
            with self.hub._lock:
                repos = list(self.hub.repos.values())
            for repo in repos:
                if repo.key != m[1]:
                    continue
                for files in (repo.files, *repo.history.values()):
                    found = next((f for f in files.values() if f.blob.sha256 == m[2]), None)
                    if found:
                        break
        if found is None:
            body = b"<?xml version='1.0'?><Error><Code>AccessDenied</Code></Error>"
            self.send_response(403)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)
            return
        answered, fault = self._fault("blob", found.name)
        if answered:
            return
        etag = f'"{found.blob.sha256[:32]}"'  # the CDN's own ETag, not the LFS oid
        self._send_bytes(found, head, {"ETag": etag}, fault=fault, cdn=True)

    def _send_bytes(
        self,
        f: _File,
        head: bool,
        extra: Mapping[str, str],
        *,
        fault: Fault | None = None,
        cdn: bool = False,
    ) -> None:
        size = f.blob.size
        start, end = 0, size
        status = 200
        wanted = self.headers.get("Range")
        if wanted:
            m = re.match(r"^bytes=(\d*)-(\d*)$", wanted.strip())
            if m and (m[1] or m[2]):
                if m[1]:
                    start = int(m[1])
                    end = min(size, int(m[2]) + 1) if m[2] else size
                else:
                    start = max(0, size - int(m[2]))
                if start >= size or start >= end:
                    self.send_response(416)
                    self._common_headers()
                    self.send_header("Content-Range", f"bytes */{size}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status = 206
        self.send_response(status)
        self._common_headers()
        self.send_header("Content-Type", "binary/octet-stream" if cdn else "text/plain")
        self.send_header("Content-Length", str(end - start))
        self.send_header("Accept-Ranges", "bytes")
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{end - 1}/{size}")
        if cdn:
            self.send_header("Content-Disposition", _disposition(f.name))
            self.send_header("Last-Modified", formatdate(usegmt=True))
            self.send_header("Cache-Control", "public, max-age=604800, immutable")
        for k, v in extra.items():
            self.send_header(k, v)
        self.end_headers()
        if head:
            return
        self._write_body(f, start, end, fault)

    def _write_body(self, f: _File, start: int, end: int, fault: Fault | None) -> None:
        stop_at = end
        if fault is not None and fault.drop_after is not None:
            stop_at = min(end, start + fault.drop_after)
        plain = fault is None or not (fault.corrupt or fault.throttle)
        if plain and f.blob.path is not None:
            with open(f.blob.path, "rb") as src:
                if stop_at > start:
                    self.connection.sendfile(src, start, stop_at - start)
        else:
            rate = fault.throttle if fault is not None else None
            chunk = max(1024, rate // 50) if rate else 1 << 20
            pos = start
            began = time.monotonic()
            while pos < stop_at and not self.hub.stopping.is_set():
                n = min(chunk, stop_at - pos)
                data = f.blob.read(pos, pos + n)
                if fault is not None and fault.corrupt and pos <= size_mid(f) < pos + n:
                    i = size_mid(f) - pos
                    data = data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1 :]
                self.wfile.write(data)
                pos += n
                if rate:
                    ahead = (pos - start) / rate - (time.monotonic() - began)
                    if ahead > 0:
                        self.hub.stopping.wait(ahead)
        if stop_at < end:  # cut the connection mid-body
            self.close_connection = True
            try:
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    # ---------------------------------------------------------------- helpers

    def _common_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Vary", "Origin, Accept")
        self.send_header("X-Request-Id", f"Root=1-{os.urandom(12).hex()}")

    def _repo_not_found(self, head: bool) -> None:
        status = 404 if self.headers.get("Authorization") else 401
        self._error(status, "RepoNotFound", "Repository not found", head=head)

    def _error(self, status: int, code: str, message: str, *, head: bool = False) -> None:
        body = json.dumps({"error": message}).encode()
        self.send_response(status)
        self._common_headers()
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if code not in ("Not Found", "Injected"):
            self.send_header("X-Error-Code", code)
        self.send_header("X-Error-Message", message)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _json(
        self, status: int, payload: Any, head: bool, headers: Mapping[str, str] | None = None
    ) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self._common_headers()
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if not head:
            self.wfile.write(body)


def size_mid(f: _File) -> int:
    """The byte a `corrupt` fault flips: the middle of the file."""
    return f.blob.size // 2


def _canonical(header: str) -> str:
    """ "authorization" -> "Authorization": clients differ in case; the log should not."""
    return "-".join(p.capitalize() for p in header.split("-"))


def _truthy(values: list[str] | None) -> bool:
    return bool(values) and values[-1].lower() in ("1", "true", "yes")  # type: ignore[index]


def _bearer(value: str | None) -> str | None:
    if value and value.lower().startswith("bearer "):
        return value[7:].strip() or None
    return None


def _disposition(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return f"inline; filename*=UTF-8''{quote(base)}; filename=\"{base}\";"


# --------------------------------------------------------------------------- standard repos

TINY_REPO = "test-org/Tiny-Model-GGUF"
SHARD_REPO = "test-org/Big-Model-GGUF"
GATED_REPO = "test-org/Gated-Model-GGUF"
EVIL_REPO = "evil/Traversal-GGUF"
GATED_TOKEN = "hf_test_gated_token"
UNSAFE_NAMES = ("../../evil.gguf", "/abs.gguf", "sub/../../x.gguf", "..\\win.gguf", "C:evil.gguf")


def standard_hub(model: Path | None = None) -> HubServer:
    """A stand-in (not started) holding the repos the tests and the benchmark use."""
    hub = HubServer()
    day = datetime(2024, 1, 1, tzinfo=timezone.utc)

    def stamp(days: int) -> str:
        return (day.replace(day=1 + days % 28, month=1 + days // 28)).strftime(
            "%Y-%m-%dT%H:%M:%S.000Z"
        )

    if model is not None:
        hub.add_repo(
            SMOLLM_REPO,
            {SMOLLM_FILE: model, "README.md": b"# SmolLM2 135M Instruct GGUF\n"},
            downloads=50_000,
            likes=40,
            last_modified=stamp(30),
            gguf={"total": 134_515_008, "architecture": "llama", "context_length": 8192},
        )
    hub.add_repo(
        TINY_REPO,
        {
            "tiny-model-Q4_K_M.gguf": fake_gguf(300_000, 1),
            "tiny-model-Q8_0.gguf": fake_gguf(500_000, 2),
            "tiny-model-IQ4_XS.gguf": fake_gguf(280_000, 3),
            "tiny-model-F16.gguf": fake_gguf(900_000, 4),
            "tiny-model-BF16.gguf": fake_gguf(900_001, 5),
            "tiny-model.Q4_1.gguf": fake_gguf(320_000, 6),
            "mmproj-tiny-model-F16.gguf": fake_gguf(100_000, 7),
            "big-one-Q2_K.gguf": fake_gguf(2_000_000, 8),
            "README.md": b"# Tiny model\n",
            ".gitattributes": b"*.gguf filter=lfs diff=lfs merge=lfs -text\n",
        },
        downloads=1_000,
        likes=300,
        last_modified=stamp(10),
        gguf={"total": 1_000_000, "architecture": "llama", "context_length": 2048},
    )
    hub.add_repo(
        SHARD_REPO,
        {
            "Q4_K_M/big-model-Q4_K_M-00001-of-00003.gguf": fake_gguf(200_000, 11),
            "Q4_K_M/big-model-Q4_K_M-00002-of-00003.gguf": fake_gguf(200_000, 12),
            "Q4_K_M/big-model-Q4_K_M-00003-of-00003.gguf": fake_gguf(100_000, 13),
            "big-model-Q8_0-00001-of-00002.gguf": fake_gguf(100_000, 14),  # its part 2 is missing
            "big-model-Q2_K.gguf": fake_gguf(150_000, 15),
        },
        downloads=200,
        likes=5,
        last_modified=stamp(50),
    )
    hub.add_repo(
        GATED_REPO,
        {"gated-model-Q4_0.gguf": fake_gguf(120_000, 21)},
        gated="manual",
        tokens=[GATED_TOKEN],
        downloads=10,
        likes=1,
        last_modified=stamp(5),
    )
    hub.add_repo(
        EVIL_REPO,
        {
            **{name: fake_gguf(1000, 31) for name in UNSAFE_NAMES},
            "ok-Q4_0.gguf": fake_gguf(1000, 32),
        },
        downloads=1,
        likes=0,
        last_modified=stamp(1),
    )
    hub.add_repo(
        "someone/not-a-gguf-repo",
        {"model.safetensors": fake_gguf(1000, 41)},
        tags=["safetensors"],
        downloads=10**6,
    )
    return hub


def main() -> int:
    ap = argparse.ArgumentParser(description="Serve the standard stand-in repos until interrupted.")
    ap.add_argument("--model", type=Path, help="the SmolLM2 GGUF to serve")
    args = ap.parse_args()
    hub = standard_hub(args.model).start()
    if args.model is not None:
        _ = hub.file(SMOLLM_REPO, SMOLLM_FILE).blob.sha256  # hash now, not during a download
    print(f"READY {hub.endpoint}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        sys.stdin.read()  # until the parent closes our stdin (or Ctrl+C)
    hub.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
