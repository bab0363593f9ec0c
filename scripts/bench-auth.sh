#!/usr/bin/env bash
# Requests per second on an authenticated route that makes no upstream call (GET /api/me), and on
# the anonymous health route for comparison, with wrk against a release HelpdeskHandler whose
# signing keys come from the dev tenant. Prints wrk's summaries. Needs wrk (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-10s}
connections=${CONNECTIONS:-32}

swift build -c release --product ephemgate-dev
swift build -c release --static-swift-stdlib --product HelpdeskHandler
bin=.build/release
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
tenant_port=$(free_port); handler_port=$(free_port)

"$bin/ephemgate-dev" --tenant-only --tenant-port "$tenant_port" >/tmp/ephemgate-bench-tenant.log 2>&1 &
tenant_pid=$!
FUNCTIONS_CUSTOMHANDLER_PORT=$handler_port FUNCTIONS_APP_ROOT_PATH=functions/helpdesk LOG_LEVEL=warning \
ENTRA_TENANT_ID=11111111-1111-1111-1111-111111111111 ENTRA_CLIENT_ID=33333333-3333-3333-3333-333333333333 \
ENTRA_AUTHORITY_HOST="http://127.0.0.1:$tenant_port" TABLE_ENDPOINT="http://127.0.0.1:$tenant_port/devstoreaccount1" \
IDENTITY_ENDPOINT="http://127.0.0.1:$tenant_port/msi/token" IDENTITY_HEADER=ephemgate-dev \
  "$bin/HelpdeskHandler" >/tmp/ephemgate-bench-handler.log 2>&1 &
handler_pid=$!
trap 'kill $tenant_pid $handler_pid 2>/dev/null || true' EXIT

for _ in $(seq 1 200); do
  curl -sf "http://127.0.0.1:$tenant_port/" >/dev/null && curl -sf "http://127.0.0.1:$handler_port/api/health" >/dev/null && break
  sleep 0.05
done
token=$(curl -sf -X POST "http://127.0.0.1:$tenant_port/dev/token" -d '{"app":"helpdesk"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
test "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:$handler_port/api/me")" = 200

echo "== GET /api/me (authenticated, no upstream call), $connections connections, $duration"
wrk -t2 -c"$connections" -d"$duration" -H "Authorization: Bearer $token" "http://127.0.0.1:$handler_port/api/me"
echo "== GET /api/health (anonymous), same load"
wrk -t2 -c"$connections" -d"$duration" "http://127.0.0.1:$handler_port/api/health"
