"""The standalone bundle, checked away from the source tree: only when asked.

Building a bundle takes 10 to 15 minutes on two cores (llama.cpp compiles once per variant,
then PyInstaller), too long for every CI run, so this test is skipped unless
HEARTH_TEST_BUNDLE is set:
- to a tarball or an unpacked bundle folder: that bundle is checked;
- to "build": `python packaging/build.py --variant cpu` runs first, then its tarball is checked.
The check itself is packaging/check_bundle.py (documented in packaging/README.md).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = os.environ.get("HEARTH_TEST_BUNDLE", "")


@pytest.mark.skipif(not BUNDLE, reason="set HEARTH_TEST_BUNDLE to a bundle, or to 'build'")
@pytest.mark.timeout(3600)
def test_bundle_passes_its_self_test_outside_the_source_tree(starter_model: Path) -> None:
    cmd = [
        sys.executable,
        str(ROOT / "packaging" / "check_bundle.py"),
        "--model",
        str(starter_model),
    ]
    cmd += ["--build"] if BUNDLE == "build" else ["--bundle", BUNDLE]
    env = {k: v for k, v in os.environ.items() if k != "HEARTH_HOME"}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=3500, check=False)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    assert "SELF-TEST PASSED" in done.stdout
    assert "BUNDLE CHECK PASSED" in done.stdout
