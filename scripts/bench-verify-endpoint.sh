#!/usr/bin/env bash
# The public verification endpoint under load (BENCHMARKS.md): the demo served on loopback,
# one of its credentials POSTed to /api/v1/verify by wrk, beside a service built on
# @digitalbazaar/vc verifying the same credential against the same DID document and status
# lists. Each server gets one core (taskset) and wrk the other, so the two are compared alike.
#
#   scripts/bench-verify-endpoint.sh [SECONDS] [CONNECTIONS]
#
# Needs wrk (apt-get install wrk), node and `npm ci --prefix interop`.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
connections="${2:-16}"
port=18181
peer_port=18182
for tool in wrk node taskset curl python3; do
  command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 2; }
done
[ -d interop/node_modules ] || { echo "run: npm ci --prefix interop" >&2; exit 2; }

cargo build --release --locked -q
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

wait_for() {
  for _ in $(seq 1 150); do curl -fsS "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "no answer from $1" >&2; exit 1
}

taskset -c 0 target/release/microcred demo --data "$work/data" --listen "127.0.0.1:$port" > "$work/demo.log" 2>&1 &
pids+=($!)
base="http://127.0.0.1:$port"
wait_for "$base/healthz"

# Zoë's credential, its issuer's DID document and its status lists, as a verifier gets them.
token=$(curl -fsS "$base/api/v1/session" -H 'content-type: application/json' \
  -d '{"email":"zoe@learner.example","password":"microcred-demo"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
id=$(curl -fsS "$base/api/v1/credentials" -H "authorization: Bearer $token" |
  python3 -c 'import json,sys; print(next(c["id"] for c in json.load(sys.stdin)["credentials"] if c["state"]=="active"))')
curl -fsS "$base/api/v1/credentials/$id/credential.json" -H "authorization: Bearer $token" > "$work/credential.json"
peer_args=()
while read -r name url; do
  curl -fsS "$url" > "$work/$name.json"
  case "$name" in did*) peer_args+=(--did-document "$work/$name.json");; *) peer_args+=(--status "$work/$name.json");; esac
done < <(python3 - "$work/credential.json" <<'EOF'
import json, sys, urllib.parse
credential = json.load(open(sys.argv[1]))
issuer = credential["issuer"]["id"] if isinstance(credential["issuer"], dict) else credential["issuer"]
host, *path = issuer.split(":")[2:]
print("did", f"http://{urllib.parse.unquote(host)}/{'/'.join(path) or '.well-known'}/did.json")
for i, entry in enumerate(credential.get("credentialStatus", [])):
    print(f"status{i}", entry["statusListCredential"])
EOF
)

taskset -c 0 node interop/interop.mjs serve-dbz "$peer_port" "${peer_args[@]}" > "$work/peer.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do grep -q listening "$work/peer.log" 2>/dev/null && break; sleep 0.2; done

cat > "$work/post.lua" <<EOF
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
local file = io.open("$work/credential.json", "r")
wrk.body = file:read("*a")
file:close()
EOF

# Both must say "verified" before they are timed.
curl -fsS "$base/api/v1/verify" -H 'content-type: application/json' -d @"$work/credential.json" | grep -q '"verified":true' ||
  { echo "microcred does not verify the credential" >&2; exit 1; }
curl -fsS "http://127.0.0.1:$peer_port/verify" -d @"$work/credential.json" | grep -q '"verified":true' ||
  { echo "@digitalbazaar/vc does not verify the credential" >&2; cat "$work/peer.log" >&2; exit 1; }

measure() {
  local name=$1 url=$2
  taskset -c 1 wrk -t1 -c"$connections" -d5s -s "$work/post.lua" "$url" > /dev/null # warm up
  taskset -c 1 wrk -t1 -c"$connections" -d"${seconds}s" --latency -s "$work/post.lua" "$url" > "$work/wrk.txt"
  if grep -q "Non-2xx" "$work/wrk.txt"; then cat "$work/wrk.txt" >&2; echo "$name answered errors" >&2; exit 1; fi
  awk -v name="$name" -v bytes="$(wc -c < "$work/credential.json")" '
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = $2 } /^ +90%/ { p90 = $2 } /^ +99%/ { p99 = $2 }
    END { printf "| %s | %.0f | %s | %s | %s |\n", name, rps, p50, p90, p99 }' "$work/wrk.txt"
}

echo "credential: $(wc -c < "$work/credential.json") bytes; $connections connections, ${seconds} s; server on core 0, wrk on core 1"
echo "| verifier (one core) | requests/s | p50 | p90 | p99 |"
echo "|---|---|---|---|---|"
measure "microcred POST /api/v1/verify" "$base/api/v1/verify"
measure "@digitalbazaar/vc service" "http://127.0.0.1:$peer_port/verify"
