#!/usr/bin/env bash
# Runs the W3C conformance suites against `microcred demo` on loopback, over https with a
# self-signed certificate made here, and prints passed / failed / pending per suite.
#
# usage: scripts/w3c-suites/run.sh SUITES_DIR [SUITE...]
#
# SUITES_DIR holds checkouts laid out as on GitHub, OWNER/NAME (CONFORMANCE.md lists the
# repositories and the commits the recorded figures come from):
#   w3c/vc-data-model-2.0-test-suite       w3c-ccg/vc-api-issuer-test-suite
#   w3c/vc-di-eddsa-test-suite             w3c-ccg/vc-api-verifier-test-suite
#   w3c/vc-bitstring-status-list-test-suite
# and the suites' `github:` dependencies, which npm would fetch from GitHub:
#   w3c/vc-test-suite-implementations      w3c-ccg/vc-test-suite-implementations
#   w3c-ccg/data-integrity-test-suite-assertion
# Each suite is copied to a scratch folder, its `github:OWNER/NAME` dependencies are replaced
# by tarballs packed (`npm pack`) from SUITES_DIR/OWNER/NAME, the rest comes from the npm
# registry, and a localConfig.cjs naming only microcred is written beside it.
#
# Environment: MICROCRED (the binary; default target/release/microcred, built if absent),
# W3C_SUITES_WORK (scratch folder; default a new temporary one), HTTP_PORT (40080),
# TLS_PORT (40443). Needs node, npm, curl and openssl. Exit 0 when every suite ran (whatever
# its results), 2 when something needed is missing.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
suites_dir="${1:-}"
if [[ -z "$suites_dir" || ! -d "$suites_dir" ]]; then
  sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
suites_dir="$(cd "$suites_dir" && pwd)"
shift
all_suites=(w3c/vc-data-model-2.0-test-suite w3c/vc-di-eddsa-test-suite
  w3c/vc-bitstring-status-list-test-suite w3c-ccg/vc-api-issuer-test-suite
  w3c-ccg/vc-api-verifier-test-suite)
suites=("${@:-${all_suites[@]}}")
for tool in node npm curl openssl; do
  command -v "$tool" >/dev/null || { echo "error: $tool is needed" >&2; exit 2; }
done

work="${W3C_SUITES_WORK:-$(mktemp -d -t microcred-w3c-XXXXXX)}"
mkdir -p "$work/tarballs" "$work/reports" "$work/suites"
http_port="${HTTP_PORT:-40080}"
tls_port="${TLS_PORT:-40443}"
base="https://localhost:$tls_port"
echo "scratch folder: $work"

microcred="${MICROCRED:-$repo/target/release/microcred}"
if [[ ! -x "$microcred" ]]; then
  (cd "$repo" && cargo build --release --locked -p microcred)
fi

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

# A certificate for localhost, trusted by the suites' Node through NODE_EXTRA_CA_CERTS only.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
export NODE_EXTRA_CA_CERTS="$work/cert.pem"

# The demo, its links and DIDs made from the https address the suites reach it at.
"$microcred" demo --listen "127.0.0.1:$http_port" --data "$work/data" \
  --public-url "$base" >"$work/demo.log" 2>&1 &
pids+=($!)
node "$here/tls-proxy.mjs" "$tls_port" "$http_port" "$work/cert.pem" "$work/key.pem" &
pids+=($!)
for _ in $(seq 900); do  # 3 minutes: a debug build sets the demo up slowly
  curl -sf --cacert "$work/cert.pem" "$base/healthz" >/dev/null && break
  sleep 0.2
done
curl -sf --cacert "$work/cert.pem" "$base/healthz" >/dev/null \
  || { echo "error: the demo did not start; see $work/demo.log" >&2; exit 2; }

# A WUT registrar's API token, and the did:key of WUT's signing key: the suites resolve only
# did:key issuers, and microcred signs as the did:key of a member's key when asked to.
session=$(curl -sf --cacert "$work/cert.pem" "$base/api/v1/session" \
  -H 'content-type: application/json' \
  -d '{"email":"registrar@wut.example","password":"microcred-demo"}' \
  | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).token))')
token=$(curl -sf --cacert "$work/cert.pem" "$base/api/v1/me/tokens" \
  -H "authorization: Bearer $session" -H 'content-type: application/json' \
  -d '{"name":"w3c suites"}' \
  | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).token))')
issuer=$(curl -sf --cacert "$work/cert.pem" "$base/u/wut/did.json" \
  | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const d=JSON.parse(s);
      const id=[].concat(d.assertionMethod)[0];
      const vm=d.verificationMethod.find(m=>m.id===id)||d.verificationMethod[0];
      console.log("did:key:"+vm.publicKeyMultibase)})')
echo "issuer: $issuer"

cat >"$work/localConfig.cjs" <<EOF
// Written by microcred's scripts/w3c-suites/run.sh: only microcred's demo is tested.
const base = '$base';
const headers = {authorization: 'Bearer $token'};
module.exports = {
  settings: {enableInteropTests: false, testAllImplementations: false},
  implementations: [{
    name: 'microcred',
    implementation: 'microcred demo',
    issuers: [{
      id: '$issuer',
      endpoint: base + '/credentials/issue',
      headers,
      tags: ['vc2.0', 'vc-api', 'BitstringStatusList', 'eddsa-rdfc-2022'],
      options: {cryptosuite: 'eddsa-rdfc-2022'}
    }, {
      id: '$issuer',
      endpoint: base + '/credentials/issue',
      headers,
      tags: ['eddsa-jcs-2022'],
      options: {cryptosuite: 'eddsa-jcs-2022'}
    }],
    verifiers: [{
      id: base + '/credentials/verify',
      endpoint: base + '/credentials/verify',
      tags: ['vc2.0', 'vc-api', 'BitstringStatusList', 'eddsa-rdfc-2022', 'eddsa-jcs-2022']
    }],
    vpVerifiers: [{
      id: base + '/presentations/verify',
      endpoint: base + '/presentations/verify',
      tags: ['vc2.0', 'vc-api']
    }]
  }]
};
EOF

# `github:OWNER/NAME[#ref]` dependencies → tarballs packed from the local checkouts.
pack() {
  local spec="${1#github:}"
  spec="${spec%%#*}"
  local tarball="$work/tarballs/${spec//\//+}.tgz"
  if [[ ! -f "$tarball" ]]; then
    [[ -d "$suites_dir/$spec" ]] || { echo "error: $suites_dir/$spec is missing" >&2; return 2; }
    local packed
    packed=$(cd "$suites_dir/$spec" && npm pack --silent --pack-destination "$work/tarballs" | tail -1)
    mv "$work/tarballs/$packed" "$tarball"
  fi
  echo "$tarball"
}

for suite in "${suites[@]}"; do
  name="${suite##*/}"
  echo "== $suite"
  rm -rf "$work/suites/$name"
  cp -r "$suites_dir/$suite" "$work/suites/$name"
  cd "$work/suites/$name"
  for kind in dependencies devDependencies; do
    while IFS=$'\t' read -r dependency spec; do
      [[ -n "$dependency" ]] || continue
      npm pkg set "$kind.$dependency=file:$(pack "$spec")"
    done < <(node -e "const p=require('./package.json');
      for (const [k,v] of Object.entries(p['$kind']||{})) if (v.startsWith('github:')) console.log(k+'\t'+v)")
  done
  npm install --no-audit --no-fund --loglevel=error >"$work/$name.npm.log" 2>&1 \
    || { echo "error: npm install failed; see $work/$name.npm.log" >&2; exit 2; }
  cp "$work/localConfig.cjs" localConfig.cjs
  npx mocha tests/ --timeout 15000 --preserve-symlinks --reporter json \
    --reporter-option "output=$work/reports/$name.json" >"$work/$name.log" 2>&1 || true
  cd "$repo"
done

node "$here/summary.mjs" ${W3C_SUITES_FAILURES:+--failures} "$work"/reports/*.json
