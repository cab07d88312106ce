"""`python -m assistant` is the same as the `plan-assistant` console script."""

from assistant.cli import main

raise SystemExit(main())
