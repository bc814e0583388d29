#!/usr/bin/env bash
# The platform at scale (BENCHMARKS.md): imports N learners' results from CSV and issues and
# stores their N credentials, for N = 10,000 and 100,000, on SQLite and on PostgreSQL.
#
#   scripts/bench-platform.sh [POSTGRES_SERVER_URL]
exec "$(dirname "$0")/bench-by-size.sh" platform_scale \
  "| database | learners | results file | import | rows/s | issue and store | credentials/s | peak memory after import | peak memory | memory before import |" "$@"
