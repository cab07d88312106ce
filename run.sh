#!/usr/bin/env bash
# Quick start, command 1: set up, index the sample corpus if there is no index yet, and start
# the chat app on http://127.0.0.1:7860 (Ctrl-C stops it). Extra arguments go to `serve`.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup.sh base
if [[ -n ${PLAN_ASSISTANT_STORE:-} || ! -f index/manifest.json ]]; then
  .venv/bin/plan-assistant ingest corpus  # incremental: unchanged files are skipped
fi
exec .venv/bin/plan-assistant serve "$@"
