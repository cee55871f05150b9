"""`python -m desktop_app` is the same as the `desktop-app` command."""

import sys

from desktop_app.cli import main

sys.exit(main())
