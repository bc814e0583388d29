#!/usr/bin/env bash
# Stacking at scale (BENCHMARKS.md): N learners holding components of a stacked credential of
# 7 components, evaluated by the registrar's overview, and one learner's progress; for
# N = 10,000 and 100,000, on SQLite and on PostgreSQL.
#
#   scripts/bench-stacking.sh [POSTGRES_SERVER_URL]
exec "$(dirname "$0")/bench-by-size.sh" stacking \
  "| database | learners | component credentials | storing them | overview: every learner evaluated | learners/s | one learner's progress | peak memory | memory before the overview |" "$@"
