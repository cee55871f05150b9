"""Launch to a shown window: the standalone bundle beside the source install, in the same run.

Both start the same way (`gui`, no model) in fresh processes, with HEARTH_QUIT_AFTER_SHOW
(the app prints READY and a timestamp when the first event after showing the window has been
processed) and the same isolated HEARTH_HOME. The source install's figure is the reference:
a bundle unpacks nothing at start (one-folder mode), so it should be about as fast; a much slower
bundle means it loads something it should not.

    python bench/bundle_startup.py BUNDLE_FOLDER [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def measure(cmd: list[str], env: dict[str, str], cwd: str) -> float:
    started = time.time()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, timeout=180)
    for line in out.stdout.splitlines():
        if line.startswith("READY"):
            return float(line.split()[1]) - started
    raise RuntimeError(f"no READY line from {cmd[0]}: {out.stdout}\n{out.stderr}")


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("bundle", type=Path, help="the unpacked bundle (the folder with `hearth`)")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    exe = args.bundle.resolve() / "hearth"
    if not exe.is_file():
        ap.error(f"no hearth executable in {args.bundle}")
    home = tempfile.mkdtemp(prefix="bench-bundle-startup-")
    env = {
        **os.environ,
        "HEARTH_HOME": home,
        "HEARTH_QUIT_AFTER_SHOW": "1",
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
    }
    commands = {
        "bundle": [str(exe), "gui"],
        "source": [sys.executable, "-m", "desktop_app", "gui"],
    }
    cold = {name: measure(cmd, env, home) for name, cmd in commands.items()}
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, cmd in commands.items():
            times[name].append(measure(cmd, env, home))
    b, s = statistics.median(times["bundle"]), statistics.median(times["source"])
    print(f"launch to shown window, median of {args.runs} (platform {env['QT_QPA_PLATFORM']}):")
    print(f"  bundle ({exe})  {b * 1000:7.0f} ms   first run {cold['bundle'] * 1000:5.0f} ms")
    print(f"  source install (python -m desktop_app)  {s * 1000:7.0f} ms   first run {cold['source'] * 1000:5.0f} ms")  # fmt: skip
    print(f"  ratio bundle / source  {b / s:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
