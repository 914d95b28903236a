#!/usr/bin/env bash
# Idempotent set-up: system packages where we can, the virtualenv, Python packages pinned by
# constraints.txt, and htmx checked against its pinned sha256. Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."

HTMX_VERSION=2.0.11
HTMX_SHA256=d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717
# Server-sent events extension (batch printing progress): the 2.x package, not htmx.org's dist/ext.
HTMX_SSE_VERSION=2.2.4
HTMX_SSE_SHA256=98a46496de0c3605fbffdce9167ba427bdd9553184f83f149c261891a92c0136
SYSTEM_PACKAGES=(chromium chromium-headless-shell cups cups-bsd poppler-utils fonts-dejavu-core)
PYTHON=${PYTHON:-python3}
not_done=()

# 1. System packages: Chromium's headless shell for PDFs (much faster at printing), full
#    Chromium for the browser tests, CUPS for label queues,
#    poppler-utils (pdftotext) for the print tests.
missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
      not_done+=("system packages: ${missing[*]} (apt-get failed)")
    fi
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || not_done+=("system packages: ${missing[*]} (sudo apt-get failed)")
  else
    not_done+=("system packages: ${missing[*]} (install them with your package manager)")
  fi
fi

# 2. Virtualenv and Python packages, reinstalled only when the pins change.
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "setup: installing Python packages"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -c constraints.txt -e '.[test]'
  rm -f .venv/.installed-*
  touch "$stamp"
fi

# 3. htmx and its SSE extension, served by the app itself (never a CDN), checked against
#    their pinned sha256.
fetch_npm_file() {  # package version file-in-package sha256 target
  local package=$1 version=$2 file=$3 sha=$4 target=$5 tmp
  if [ -f "$target" ] && echo "$sha  $target" | sha256sum -c --quiet - 2>/dev/null; then
    return
  fi
  if ! command -v npm >/dev/null; then
    not_done+=("$package $version: npm is missing (needed once to fetch it)")
    return
  fi
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$package@$version" >/dev/null && tar xzf ./*.tgz)
  mkdir -p "$(dirname "$target")"
  if echo "$sha  $tmp/package/$file" | sha256sum -c --quiet -; then
    cp "$tmp/package/$file" "$target"
  else
    not_done+=("$package $version: downloaded file does not match the pinned sha256")
  fi
  rm -rf "$tmp"
}
fetch_npm_file htmx.org "$HTMX_VERSION" dist/htmx.min.js "$HTMX_SHA256" dashboard/static/vendor/htmx.min.js
fetch_npm_file htmx-ext-sse "$HTMX_SSE_VERSION" dist/sse.min.js "$HTMX_SSE_SHA256" \
  dashboard/static/vendor/htmx-ext-sse.min.js

if [ ${#not_done[@]} -gt 0 ]; then
  echo "setup: could not do:"
  printf '  - %s\n' "${not_done[@]}"
fi
echo "setup: done"
