"""The app's environment variables: `HEARTH_*`, with the 0.1 names (`DESKTOP_APP_*`) still read.

Why one module: every variable is looked up the same way, so an old name keeps working for one
more release and says so once (on stderr, which a windowed Windows start may not have).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

PREFIX = "HEARTH_"
LEGACY_PREFIX = "DESKTOP_APP_"  # the 0.1 name; read until the next release
_warned: set[str] = set()


def env_name(key: str) -> str:
    """The variable's name: env_name("HOME") == "HEARTH_HOME"."""
    return PREFIX + key


def get_env(key: str, environ: Mapping[str, str] | None = None) -> str | None:
    """`HEARTH_<key>`, else the deprecated `DESKTOP_APP_<key>` (with a one-line note), else None."""
    environ = os.environ if environ is None else environ
    value = environ.get(PREFIX + key)
    if value is not None:
        return value
    value = environ.get(LEGACY_PREFIX + key)
    if value is not None and key not in _warned:
        _warned.add(key)
        if sys.stderr is not None:
            print(
                f"hearth: warning: {LEGACY_PREFIX}{key} is deprecated and will stop working in "
                f"the next release; set {PREFIX}{key} instead.",
                file=sys.stderr,
            )
    return value
