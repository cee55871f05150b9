"""The sdist and wheel a release is made of, installed and run as a person installs and runs them.

`python -m build` makes the sdist and builds the wheel from it; a second wheel built straight
from the source tree must be the same. The wheel goes, non-editable, into a fresh virtual
environment that borrows this one's dependencies (llama-cpp-python is not compiled twice), and
from a folder outside the source tree the installed `hearth` passes its self-test, lists the
catalog, and loads its Chinese translation and icon offscreen.
"""

from __future__ import annotations

import email
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

from desktop_app import APP_ID, DIST_NAME, __version__
from desktop_app.core.models.starter import STARTER_FILE

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = (
    "catalog.json",
    "icons/hearth.svg",
    "linux/hearth.desktop",
    "translations/hearth_zh_CN.qm",
)
BUILD_TIMEOUT_S = 600


def _run(
    cmd: list[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        cmd, cwd=cwd, env=env, timeout=timeout, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"{cmd}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _source_copy(dest: Path) -> Path:
    """The files a clean clone would have (tracked, or new and not ignored): no stale build/."""
    listed = _run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT
    ).stdout
    for rel in filter(None, listed.split("\0")):
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """sdist + the wheel built from it, and a wheel built straight from the tree."""
    src = _source_copy(tmp_path_factory.mktemp("src"))
    out = tmp_path_factory.mktemp("dist")
    direct = tmp_path_factory.mktemp("direct")
    _run([sys.executable, "-m", "build", "--outdir", str(out), str(src)], timeout=BUILD_TIMEOUT_S)
    _run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(direct), str(src)],
        timeout=BUILD_TIMEOUT_S,
    )
    stem = DIST_NAME.replace("-", "_")
    return {
        "sdist": out / f"{stem}-{__version__}.tar.gz",
        "wheel": out / f"{stem}-{__version__}-py3-none-any.whl",
        "direct": direct / f"{stem}-{__version__}-py3-none-any.whl",
    }


def _contents(wheel: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(wheel) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_the_wheel_is_whole(dists: dict[str, Path]) -> None:
    files = _contents(dists["wheel"])
    names = sorted(files)
    for rel in RESOURCES:
        assert f"desktop_app/resources/{rel}" in files, rel
    assert not [n for n in names if n.endswith(".ts")]  # the compiled .qm only
    modules = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "desktop_app").rglob("*.py"))
    missing = [m for m in modules if m not in files]
    assert not missing, f"modules left out of the wheel: {missing}"
    info = f"{DIST_NAME.replace('-', '_')}-{__version__}.dist-info"
    meta = email.message_from_bytes(files[f"{info}/METADATA"])
    assert meta["Name"] == DIST_NAME
    assert meta["License-Expression"] == "Apache-2.0"
    assert f"{info}/licenses/LICENSE" in files
    assert meta.get_all("Project-URL") and meta.get_all("Classifier") and meta["Keywords"]
    scripts = files[f"{info}/entry_points.txt"].decode()
    assert "[console_scripts]" in scripts and f"{APP_ID} = desktop_app.cli:main" in scripts
    assert "desktop-app = desktop_app.cli:deprecated_main" in scripts
    assert "[gui_scripts]" in scripts and f"{APP_ID}-gui = desktop_app.cli:gui_main" in scripts
    resources = [n for n in names if n.startswith("desktop_app/resources/")]
    print(f"\nwheel: {len(names)} files; resources: {', '.join(resources)}")


def test_the_sdist_has_the_sources_and_rebuilds_the_same_wheel(dists: dict[str, Path]) -> None:
    with tarfile.open(dists["sdist"]) as tf:
        names = {n.split("/", 1)[1] for n in tf.getnames() if "/" in n}
    for rel in (*RESOURCES, "translations/hearth_zh_CN.ts", "__init__.py"):
        assert f"resources/{rel}" in names, rel
    assert {"LICENSE", "README.md", "pyproject.toml", "desktop_app/cli.py"} <= names
    assert _contents(dists["wheel"]) == _contents(dists["direct"])


def test_twine_check_passes(dists: dict[str, Path]) -> None:
    done = _run(
        [
            sys.executable,
            "-m",
            "twine",
            "check",
            "--strict",
            str(dists["sdist"]),
            str(dists["wheel"]),
        ]
    )
    assert done.stdout.count("PASSED") == 2, done.stdout


@pytest.fixture(scope="module")
def installed(dists: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed non-editable; dependencies borrowed from this one."""
    venv = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], timeout=120)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", "--disable-pip-version-check", str(dists["wheel"])],
        timeout=300,
    )  # fmt: skip
    site = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    # a .pth line only adds the folder: the editable install's own .pth hook there is not run
    (Path(site.stdout.strip()) / "_borrowed_deps.pth").write_text("\n".join(sorted(ours)) + "\n")
    return venv


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "DESKTOP_APP_"))}
    return {**env, "HEARTH_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}


def test_the_installed_wheel_works_outside_the_source_tree(
    installed: Path, starter_model: Path, tmp_path: Path
) -> None:
    bindir = installed / ("Scripts" if os.name == "nt" else "bin")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    home = tmp_path / "home"
    models = home / "data" / "models"
    models.mkdir(parents=True)
    try:
        os.link(starter_model, models / STARTER_FILE)  # already fetched: no second download
    except OSError:
        shutil.copyfile(starter_model, models / STARTER_FILE)
    env = _env(home)

    where = _run(
        [str(bindir / "python"), "-c",
         "import desktop_app, desktop_app.core.app_resources as r; "
         "print(desktop_app.__file__); print(r.resource_root())"],
        cwd=elsewhere, env=env,
    ).stdout.split()  # fmt: skip
    assert all(Path(p).is_relative_to(installed) for p in where), where  # not the source tree

    done = _run([str(bindir / APP_ID), "--self-test"], cwd=elsewhere, env=env, timeout=300)
    assert done.stdout.rstrip().endswith("SELF-TEST PASSED"), done.stdout
    assert f"Model: {models / STARTER_FILE} (starter model" in done.stdout

    done = _run([str(bindir / APP_ID), "models", "catalog", "--json"], cwd=elsewhere, env=env)
    entries = json.loads(done.stdout)
    entries = entries.get("entries", entries) if isinstance(entries, dict) else entries
    assert len(entries) > 5

    check = (
        "from PySide6.QtCore import QCoreApplication\n"
        "from desktop_app.core.storage.settings import Settings\n"
        "from desktop_app.ui.app import apply_language, create_app\n"
        "from pathlib import Path\n"
        "app = create_app()\n"
        "assert not app.windowIcon().isNull(), 'no icon'\n"
        "s = Settings.load(Path('settings.json'))\n"
        "s.set('language', 'zh_CN')\n"
        "assert apply_language(s) == 'zh_CN'\n"
        "t = QCoreApplication.translate('AboutBox', 'Run language models on your own machine.')\n"
        "print(t)\n"
    )
    done = _run([str(bindir / "python"), "-c", check], cwd=elsewhere, env=env, timeout=120)
    assert done.stdout.strip() == "在你自己的电脑上运行语言模型。", done.stdout

    done = subprocess.run(
        [str(bindir / "desktop-app"), "--version"],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0 and "Hearth" in done.stdout
    assert "now called 'hearth'" in done.stderr
