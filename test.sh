#!/usr/bin/env bash
# Quick start, command 2: set up with the development tools (and Debian's chromium for the
# browser tests), then run lint and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v chromium >/dev/null 2>&1; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian chromium for the browser tests" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
  else
    echo "setup: the browser tests need Debian's chromium: sudo apt-get install chromium" >&2
  fi
fi
source scripts/setup.sh dev
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
