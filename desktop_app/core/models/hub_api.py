"""The Hub's JSON API over the app's one HTTP client: one GET, its errors, nothing more.

Search and repo listing used to go through huggingface_hub's `HfApi`, which retries a failed
request five times with backoff (a DNS failure looked like a 20 s timeout), has no timeout for a
search and cannot be stopped. Over `net.open_url` a failure is said at once with its real reason
(no such name, refused, TLS, no answer), and `abort.set()` ends the wait at once (a Cancel).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from desktop_app.core.i18n import QT_TRANSLATE_NOOP
from desktop_app.core.models import net
from desktop_app.core.models.hub_errors import (
    EntryNotFoundError,
    GatedRepoError,
    HubHTTPError,
    NetworkError,
    RepoNotFoundError,
)

if TYPE_CHECKING:
    from desktop_app.core.models.hub import HubConfig

__all__ = ["get_json", "model_path"]

BUSY = QT_TRANSLATE_NOOP(
    "Hub", "The Hub at {where} is busy or failing ({status}); try again later."
)
REFUSED = QT_TRANSLATE_NOOP("Hub", "The Hub at {where} refused the request ({status}).")
NO_REPO = QT_TRANSLATE_NOOP("Hub", "No repo '{repo}' on {where}: check the name.")
NO_REPO_TOKEN = QT_TRANSLATE_NOOP(
    "Hub", "No repo '{repo}' on {where}: check the name. If it is private, set a token in Settings."
)
NO_REVISION = QT_TRANSLATE_NOOP("Hub", "{repo} has no such revision.")
WRONG_SHAPE = QT_TRANSLATE_NOOP(
    "Hub",
    "The Hub at {where} answered with JSON, but not the Hub's: {found} where the Hub sends "
    "{expected} (is the address right?).",
)
NOT_JSON_SAID = QT_TRANSLATE_NOOP(
    "Hub",
    "The Hub at {where} answered, but not as the Hub does (is the address right?): "
    "{kind} beginning “{start}”.",
)
_MAX_BODY = 64 << 20  # a search or listing is far smaller; a wrong server must not fill memory


def model_path(repo_id: str, revision: str | None) -> str:
    """The API path of a repo's info, as `HfApi.model_info` asks for it."""
    if revision is None:
        return f"/api/models/{repo_id}"
    return f"/api/models/{repo_id}/revision/{quote(revision, safe='')}"


def get_json(
    config: HubConfig,
    path: str,
    params: Sequence[tuple[str, str]],
    *,
    abort: net.Abort | None = None,
    repo_id: str | None = None,
) -> Any:
    """GET `config.endpoint + path` and decode its JSON; our errors for a refusing Hub.

    Raises `NetworkError` (with the real reason), `OfflineError`, the Hub's own refusals
    (`RepoNotFoundError`, `GatedRepoError`, ...) or `net.Aborted` when `abort` is set.
    """
    config.require_online()
    url = config.endpoint + path + (f"?{urlencode(list(params))}" if params else "")
    headers = {"Accept": "application/json"}
    if config.token:
        headers["Authorization"] = f"Bearer {config.token}"
    timeouts = net.Timeouts(
        connect=min(net.DEFAULT_TIMEOUTS.connect, config.timeout), read=config.timeout
    )
    with net.open_url(
        "GET",
        url,
        headers=headers,
        abort=abort,
        timeouts=timeouts,
        offline=config.offline,
        follow_redirects=True,
    ) as resp:
        body = resp.read(_MAX_BODY)
        status = resp.status
        if status != 200:
            _raise_for(config, status, resp, body, repo_id)
        kind = resp.header("Content-Type") or ""
    try:
        return json.loads(body)
    except ValueError as exc:
        # It was reached: say what it answered (a captive portal's page, a proxy's error), not
        # the decoder's "Expecting value: line 1 column 1" (issue 18).
        message = NOT_JSON_SAID.format(
            where=config.endpoint,
            kind=kind.split(";", 1)[0].strip() or "no Content-Type",
            start=_start(body),
        )
        raise NetworkError(message, details=f"{url}: {exc}") from None


def _start(body: bytes, limit: int = 60) -> str:
    """The answer's first characters on one line, for a message."""
    text = " ".join(body[: limit * 4].decode("utf-8", "replace").split())
    return text[:limit] + ("\u2026" if len(text) > limit else "")


def _raise_for(
    config: HubConfig, status: int, resp: net.Response, body: bytes, repo_id: str | None
) -> None:
    """What a refusing answer means, read as huggingface_hub's `hf_raise_for_status` reads it."""
    from desktop_app.core.models.hub import gated_message

    code = resp.header("X-Error-Code") or ""
    text = resp.header("X-Error-Message") or body[:300].decode("utf-8", "replace")
    details = f"{status} {code} {text}: {resp.url}"
    where = config.endpoint
    if code == "GatedRepo" and repo_id:
        raise GatedRepoError(gated_message(config, repo_id, status=status), details=details)
    if repo_id and (code == "RepoNotFound" or (status == 401 and not code)):
        template = NO_REPO if config.token else NO_REPO_TOKEN
        raise RepoNotFoundError(template.format(repo=repo_id, where=where), details=details)
    if code == "RevisionNotFound" and repo_id:
        raise EntryNotFoundError(NO_REVISION.format(repo=repo_id), details=details)
    if status >= 500 or status == 429:
        raise NetworkError(BUSY.format(where=where, status=status), details=details)
    raise HubHTTPError(REFUSED.format(where=where, status=status), details=details)


def wrong_shape(where: str, found: object, expected: str) -> str:
    """WRONG_SHAPE for a parsed answer that is valid JSON of another kind (a proxy's {"error"})."""
    if isinstance(found, dict):
        kind = QT_TRANSLATE_NOOP("Hub", "an object")
    elif isinstance(found, list):
        kind = QT_TRANSLATE_NOOP("Hub", "a list")
    elif isinstance(found, str):
        kind = QT_TRANSLATE_NOOP("Hub", "a string")
    else:
        kind = QT_TRANSLATE_NOOP("Hub", "another value")
    return WRONG_SHAPE.format(where=where, found=kind, expected=expected)
