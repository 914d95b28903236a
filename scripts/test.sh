#!/usr/bin/env bash
# `make test`: the whole suite on SQLite, then again on PostgreSQL (required when CI is set).
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
PG_URL=${TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}

pg_reachable() {
  python - "$PG_URL" <<'PY'
import asyncio, sys
import asyncpg
async def main():
    conn = await asyncpg.connect(sys.argv[1], timeout=5)
    await conn.close()
try:
    asyncio.run(main())
except Exception as exc:
    print(f"PostgreSQL not reachable at {sys.argv[1]}: {exc}", file=sys.stderr)
    sys.exit(1)
PY
}

status=0
echo "== tests on SQLite =="
TEST_ENGINE=sqlite python -m pytest -q -p no:cacheprovider "$@" || status=$?

if pg_reachable; then
  echo "== tests on PostgreSQL =="
  TEST_ENGINE=postgres TEST_POSTGRES_URL="$PG_URL" python -m pytest -q -p no:cacheprovider "$@" || status=$?
elif [ -n "${CI:-}" ]; then
  echo "PostgreSQL is required when CI is set."
  status=1
else
  echo "PostgreSQL pass not run: no server at $PG_URL (it is required in CI)."
fi
exit $status
