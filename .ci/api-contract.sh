#!/usr/bin/env bash
# The API contract test (hardening issue, defect 12): schemathesis runs every check (`--checks all`: no server
# error, documented statuses, content types and response schemas, schema-valid requests accepted and
# schema-violating ones refused) against a demo server, bounded by --max-examples, with the OpenAPI document the
# server serves. Exceptions a schema cannot express are listed in .ci/schemathesis.toml.
#
# Usage: .ci/api-contract.sh [MAX_EXAMPLES] [SEED]     (defaults 20 and 1; any failure exits non-zero)
# Needs python3 with venv; schemathesis is installed from PyPI into target/schemathesis-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
MAX=${1:-20}
SEED=${2:-1}
VENV=target/schemathesis-venv
if [ ! -x "$VENV/bin/st" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q 'schemathesis>=4.3,<5'
fi
cargo build -q -p plantrack
BIN=$PWD/target/debug/plantrack
WORK=$(mktemp -d)
DB=$WORK/contract.sqlite3
"$BIN" --db "$DB" demo > /dev/null
echo 'Contract-test-password-1' | "$BIN" --db "$DB" user add contract --role admin > /dev/null
TOKEN=$("$BIN" --db "$DB" token create contract 2> /dev/null | tr -d '\n')
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$BIN" --db "$DB" serve --addr "127.0.0.1:$PORT" > "$WORK/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2> /dev/null || true; rm -rf "$WORK"' EXIT
BASE=http://127.0.0.1:$PORT
"$VENV/bin/st" --config-file .ci/schemathesis.toml run "$BASE/api/v1/openapi.json" --url "$BASE" \
  --wait-for-schema 30 -H "Authorization: Bearer $TOKEN" --checks all --max-examples "$MAX" --seed "$SEED" \
  --workers 2 --no-color
