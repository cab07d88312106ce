#!/usr/bin/env bash
# Quick start, command 1: set up, index the sample corpus if there is no index yet, and run
# an example search over it.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup.sh base
if [[ ! -f index/manifest.json ]]; then
  .venv/bin/plan-assistant ingest corpus
fi
.venv/bin/plan-assistant search "${*:-What will the plan do about mental health?}" --k 3
