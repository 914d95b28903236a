#!/usr/bin/env bash
# `make run`: migrate, load the demo shop on first run, one demo user per role, serve.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
ROLES=(admin back_office call_centre dispatch picker)

dashboard migrate
mkdir -p var
if [ ! -f var/.demo-loaded ]; then
  echo "Loading the demo shop (first run only)..."
  dashboard demo-data --orders "${DEMO_ORDERS:-2000}"
  for role in "${ROLES[@]}"; do
    DASHBOARD_PASSWORD="demo-$role-pass" dashboard create-user --username "$role" --role "$role" >/dev/null || true
  done
  touch var/.demo-loaded
fi

cat <<MSG

  Order desk is starting on http://$HOST:$PORT/login
  Demo logins (user name / password):
MSG
for role in "${ROLES[@]}"; do printf '    %-12s / demo-%s-pass\n' "$role" "$role"; done
echo
exec dashboard serve --host "$HOST" --port "$PORT"
