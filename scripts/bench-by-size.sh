#!/usr/bin/env bash
# Runs one `crates/app` benchmark for N = 10,000 and 100,000 on SQLite and on PostgreSQL, one
# size per process, after printing the table's header (shared by bench-platform.sh and
# bench-stacking.sh).
#
#   scripts/bench-by-size.sh BENCH HEADER [POSTGRES_SERVER_URL]
#
# PostgreSQL: a database `microcred_bench` is made (and dropped) on the server named by the
# argument, else by MICROCRED_TEST_POSTGRES, else postgres://postgres@127.0.0.1:5432/postgres.
set -euo pipefail
cd "$(dirname "$0")/.."
export PGOPTIONS="-c client_min_messages=warning"
bench="$1"
header="$2"
server="${3:-${MICROCRED_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}}"
bench_db="${server%/*}/microcred_bench"

cargo bench -p microcred-app --bench "$bench" --no-run --locked -q 2>/dev/null
binary=$(cargo bench -p microcred-app --bench "$bench" --no-run --locked --message-format=json 2>/dev/null |
  BENCH="$bench" python3 -c 'import json,os,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == os.environ["BENCH"] and m.get("executable"):
        print(m["executable"])')

echo "$header"
echo "$header" | sed 's/[^|]*|/---|/g; s/^---|/|/'
for learners in 10000 100000; do
  "$binary" "$learners"
done
if psql -qX "$server" -c "SELECT 1" >/dev/null 2>&1; then
  for learners in 10000 100000; do
    psql -qX "$server" -c "DROP DATABASE IF EXISTS microcred_bench" -c "CREATE DATABASE microcred_bench"
    "$binary" "$learners" "$bench_db"
  done
  psql -qX "$server" -c "DROP DATABASE IF EXISTS microcred_bench"
else
  echo "PostgreSQL not reachable at $server: its rows are left out" >&2
fi
