#!/usr/bin/env bash
# Builds both handlers in release mode with the Swift runtime linked statically and writes one
# deployable zip per Function App: dist/selfservice.zip and dist/helpdesk.zip, each holding
# host.json, the executable `handler` (mode 0755), the function folders and the portal files (the
# app's own and, in portal/ too, the shared ones of functions/portal-common/).
# Usage: scripts/package.sh [--out DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=dist
if [ "${1:-}" = "--out" ]; then out=$2; fi

flags=(-c release --static-swift-stdlib)
for product in SelfServiceHandler HelpdeskHandler; do
  swift build "${flags[@]}" --product "$product"
done
bin=$(swift build "${flags[@]}" --show-bin-path)

mkdir -p "$out"
python3 scripts/zip_app.py --host-json host.json --functions functions/selfservice --portal-common functions/portal-common \
  --binary "$bin/SelfServiceHandler" --out "$out/selfservice.zip"
python3 scripts/zip_app.py --host-json host.json --functions functions/helpdesk --portal-common functions/portal-common \
  --binary "$bin/HelpdeskHandler" --out "$out/helpdesk.zip"
ls -l "$out"/*.zip
