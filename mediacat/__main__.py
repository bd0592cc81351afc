"""`python -m mediacat`: the same entry point as the `mediacat` command."""

from mediacat.cli import main

raise SystemExit(main())
