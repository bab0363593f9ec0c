#!/usr/bin/env bash
# Property-based API test of both apps against their OpenAPI documents (issue 13, item 11).
#   scripts/schemathesis.sh [examples per operation, default 50]
# Starts ephemgate-dev on free ports (demo directory), gets tokens from its /dev/token (a TapAdmin
# for the helpdesk, a plain user for self-service), and runs schemathesis against openapi/<app>.yaml:
# no 5xx but the documented 502/503 of a faulted upstream (none are staged, so any 5xx fails), every
# status and body as documented. Bounded: --max-examples per operation and `timeout` overall.
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-50}"
command -v schemathesis >/dev/null || { echo "schemathesis.sh: schemathesis is not installed (pip install schemathesis)" >&2; exit 2; }
swift build >&2
bin="$(swift build --show-bin-path)"
read -r tenant table selfservice helpdesk < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(4)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
for s in socks: s.close()')
log="$(mktemp)"
"$bin/ephemgate-dev" --handlers-dir "$bin" --tenant-port "$tenant" --table-port "$table" \
  --selfservice-port "$selfservice" --helpdesk-port "$helpdesk" > "$log" 2>&1 &
dev=$!
trap 'kill "$dev" 2>/dev/null || true; wait "$dev" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 600); do
  if curl -sf "http://127.0.0.1:$helpdesk/api/health" >/dev/null && curl -sf "http://127.0.0.1:$selfservice/api/health" >/dev/null; then break; fi
  kill -0 "$dev" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.2
done
token() { curl -sf -X POST "http://127.0.0.1:$tenant/dev/token" -d "{\"app\":\"$1\",\"oid\":\"$2\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'; }
admin="$(token helpdesk aaaaaaaa-0000-4000-8000-000000000001)"
user="$(token selfservice aaaaaaaa-0000-4000-8000-000000000003)"
failed=0
for app in selfservice helpdesk; do
  port="$selfservice"; bearer="$user"
  [ "$app" = helpdesk ] && { port="$helpdesk"; bearer="$admin"; }
  echo "== schemathesis $app (max $examples examples per operation)" >&2
  timeout 300 schemathesis run "openapi/$app.yaml" --url "http://127.0.0.1:$port" \
    -H "Authorization: Bearer $bearer" --max-examples "$examples" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --request-timeout 30 --no-color || failed=1
done
exit "$failed"
