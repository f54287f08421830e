#!/usr/bin/env bash
# Installs the npm packages the browser checks use (axe-core, vnu-jar) into node_modules/.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f package.json ] && [ ! -d node_modules/axe-core ]; then
  npm install --no-audit --no-fund --silent
fi
