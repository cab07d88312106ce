#!/usr/bin/env bash
# Quick start, command 2: set up with the development tools and run lint and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup.sh dev
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
