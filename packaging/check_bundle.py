"""Prove a built Linux bundle works away from the source tree.

    python packaging/check_bundle.py [--build] [--variant cpu] [--bundle TARBALL|FOLDER] [--model GGUF]

Unpacks the tarball (or copies the folder) into a fresh folder under /tmp, then runs the bundled
`hearth` there with a clean environment: a temporary HOME (so the platform folders are the
user's usual ones, ~/.config/hearth and ~/.local/share/hearth, but throw-away), no
HEARTH_HOME, no virtual environment or source checkout on PATH or PYTHONPATH, cwd outside the
source tree. Checks, in order:
1. `hearth --version`;
2. `hearth --self-test MODEL --gui`: hardware report, model load, a few tokens with a fixed seed,
   and the window shown offscreen; the app's folders were created under the temporary HOME;
3. under Xvfb (when xvfb-run exists), the window on the real X11 plugin (xcb), which needs the
   bundled xcb plugin and its libraries;
   with --offline and no --model, the self-test must use the embedded starter model, and
   `hearth info starter` must find it in the models folder (no network needed);
4. the bundle's own folder is unchanged afterwards (nothing is written next to the app).
Prints each step's output and ends with BUNDLE CHECK PASSED or BUNDLE CHECK FAILED (exit 1).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
MODEL_CACHE = Path(os.environ.get("HEARTH_TEST_CACHE", Path.home() / ".cache" / "hearth-tests"))


class CheckFailed(Exception):
    pass


def say(text: str) -> None:
    print(text, flush=True)


def newest_tarball(variant: str, offline: bool) -> Path:
    suffix = f"-{variant}-offline.tar.gz" if offline else f"-{variant}.tar.gz"
    found = sorted(DIST.glob(f"hearth-*{suffix}"), key=lambda p: p.stat().st_mtime)
    if not found:
        raise CheckFailed(f"no dist/hearth-*{suffix}: build it first (or pass --build)")
    return found[-1]


def default_model() -> Path:
    given = os.environ.get("HEARTH_TEST_MODEL")
    if given:
        return Path(given)
    sys.path.insert(0, str(ROOT))
    from desktop_app.core.models.starter import ensure_starter_model

    return ensure_starter_model(MODEL_CACHE)


def unpack(bundle: Path, into: Path) -> Path:
    """The app folder (the one holding the `hearth` executable) inside `into`."""
    if bundle.is_dir():
        target = into / bundle.name
        shutil.copytree(bundle, target, symlinks=True)
    else:
        with tarfile.open(bundle) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(into, filter="data")
            else:  # Python before 3.11.4: our own tarball, trusted
                tar.extractall(into)
        tops = [p for p in into.iterdir() if p.is_dir()]
        if len(tops) != 1:
            raise CheckFailed(f"the tarball should hold one folder, not {len(tops)}")
        target = tops[0]
    if not (target / "hearth").is_file():
        raise CheckFailed(f"no hearth executable in {target}")
    return target


def clean_env(home: Path) -> dict[str, str]:
    env = {
        "HOME": str(home),
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    for name in ("TMPDIR", "TERM"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def run(
    cmd: list[str], env: dict[str, str], cwd: Path, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    say("$ " + " ".join(cmd))
    started = time.monotonic()
    done = subprocess.run(
        cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    for line in (done.stdout + done.stderr).rstrip().splitlines():
        say(f"    {line}")
    say(f"    (exit status {done.returncode}, {time.monotonic() - started:.1f} s)")
    return done


def snapshot(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def check(bundle: Path, model: Path | None, offline: bool, keep: bool) -> None:
    work = Path(tempfile.mkdtemp(prefix="hearth-bundle-check-"))
    if work.resolve().is_relative_to(ROOT):
        raise CheckFailed(f"{work} is inside the source tree; set TMPDIR elsewhere")
    try:
        say(f"Bundle: {bundle}")
        app = unpack(bundle, work)
        say(f"Unpacked to {app} (outside the source tree {ROOT})")
        home = work / "home"
        home.mkdir()
        env = clean_env(home)
        exe = str(app / "hearth")
        before = snapshot(app)

        done = run([exe, "--version"], env, work, timeout=120)
        if done.returncode != 0 or not done.stdout.startswith("Hearth "):
            raise CheckFailed("--version did not answer")

        args = [exe, "--self-test", *([str(model)] if model else []), "--gui"]
        done = run(args, env, work)
        if done.returncode != 0 or "SELF-TEST PASSED" not in done.stdout:
            raise CheckFailed("the self-test with the window (offscreen) failed")
        if "Install: standalone build" not in done.stdout:
            raise CheckFailed("the self-test did not run frozen")
        if offline and model is None and "embedded in this build" not in done.stdout:
            raise CheckFailed("the embedded starter model was not used")
        if offline:  # "starter" must resolve with no network: the model is in the models folder
            done = run([exe, "info", "starter"], env, work, timeout=120)
            models = home / ".local" / "share" / "hearth" / "models"
            if done.returncode != 0 or not list(models.glob("SmolLM2-*.gguf")):
                raise CheckFailed("the embedded starter model is not in the models folder")
        for folder in (home / ".config" / "hearth", home / ".local" / "share" / "hearth" / "models"):  # fmt: skip
            if not folder.is_dir():
                raise CheckFailed(f"the platform folder {folder} was not created")
        made = sorted(str(p.relative_to(home)) for p in home.rglob("hearth") if p.is_dir())
        say(f"Platform folders made under the temporary HOME: {', '.join(made)}")

        if shutil.which("xvfb-run"):
            xenv = {**env, "QT_QPA_PLATFORM": "xcb", "HEARTH_QUIT_AFTER_SHOW": "1"}
            done = run(["xvfb-run", "-a", exe, "gui"], xenv, work, timeout=180)
            if done.returncode != 0 or "READY" not in done.stdout:
                raise CheckFailed("the window did not open on X11 (xcb) under Xvfb")
        else:
            say("xvfb-run not found: the X11 (xcb) window check is skipped")

        changed = snapshot(app) ^ before
        if changed:
            raise CheckFailed(f"the bundle's folder changed: {sorted(changed)[:10]}")
        say("The bundle's folder is unchanged (nothing written next to the app)")
    finally:
        if keep:
            say(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--build", action="store_true", help="run packaging/build.py first")
    ap.add_argument("--variant", default="cpu", choices=("cpu", "cuda", "vulkan"))
    ap.add_argument("--offline", action="store_true", help="check the --offline-model build")
    ap.add_argument("--bundle", type=Path, help="a tarball or an app folder (default: newest)")
    ap.add_argument("--model", type=Path, help="the model for the self-test (default: starter)")
    ap.add_argument("--keep", action="store_true", help="keep the unpacked copy")
    args = ap.parse_args(argv)
    started = time.monotonic()
    try:
        if args.build:
            cmd = [sys.executable, str(ROOT / "packaging" / "build.py"), "--variant", args.variant]
            if args.offline:
                cmd.append("--offline-model")
            say("$ " + " ".join(cmd))
            if subprocess.run(cmd, check=False).returncode != 0:
                raise CheckFailed("the build failed")
        bundle = args.bundle or newest_tarball(args.variant, args.offline)
        report = DIST / (bundle.name.removesuffix(".tar.gz") + ".json")
        if report.is_file():
            data = json.loads(report.read_text(encoding="utf-8"))
            say(
                f"Size: {data['folder_bytes'] / 2**20:.1f} MiB unpacked, "
                f"{data.get('tarball_bytes', 0) / 2**20:.1f} MiB tarball; source install "
                f"site-packages {data['source_install_bytes'] / 2**20:.1f} MiB"
            )
        model = None if args.offline and not args.model else (args.model or default_model())
        check(bundle, model, args.offline, args.keep)
    except (CheckFailed, subprocess.TimeoutExpired, OSError) as exc:
        say(f"BUNDLE CHECK FAILED: {exc}")
        return 1
    say(f"BUNDLE CHECK PASSED ({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
