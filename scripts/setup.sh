#!/usr/bin/env bash
# Fresh-machine setup: a WebGPU adapter for Dawn (Mesa lavapipe from bookworm-backports) and npm packages.
# Idempotent: does nothing where an adapter already works. Says what it did.
set -euo pipefail
cd "$(dirname "$0")/.."
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"

say() { printf '[setup] %s\n' "$*"; }
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
# Debian's chromium is needed by the browser tests in `npm test`; --no-browser skips it.
WITH_BROWSER=1; [ "${1:-}" = "--no-browser" ] && WITH_BROWSER=0

# Debian's chromium, for the browser tests and demo (playwright cannot download a browser here).
install_browser() {
  if [ -x /usr/bin/chromium ]; then say "chromium already installed"; return; fi
  if [ ! -r /etc/os-release ] || ! grep -qE '^ID=(debian|ubuntu)' /etc/os-release; then say "install Chromium for the browser tests (expected at /usr/bin/chromium, or set CHROMIUM_PATH)"; return; fi
  say "installing Debian's chromium for the browser tests"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
}

if [ ! -d node_modules/webgpu ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
else
  say "npm packages already installed"
fi

adapter_ok() { node scripts/probe-adapter.mjs >/dev/null 2>&1; }

if adapter_ok; then
  say "a WebGPU adapter already works: $(node scripts/probe-adapter.mjs 2>/dev/null)"
  if [ "$WITH_BROWSER" = 1 ]; then install_browser; fi
  exit 0
fi

if [ ! -r /etc/os-release ] || ! grep -q 'VERSION_CODENAME=bookworm' /etc/os-release; then
  say "no WebGPU adapter, and this is not Debian 12 (bookworm): install a Vulkan driver (Mesa >= 23, e.g. lavapipe) and libvulkan1 by hand"
  exit 1
fi

src=/etc/apt/sources.list.d/debian.sources
bp=/etc/apt/sources.list.d/backports.sources
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  uri=$(grep -m1 '^URIs:' "$src" 2>/dev/null | awk '{print $2}')
  keyring=$(grep -m1 '^Signed-By:' "$src" 2>/dev/null | awk '{print $2}')
  if [ -z "$uri" ]; then
    uri=$(grep -m1 -E '^deb [^ ]*debian' /etc/apt/sources.list | awk '{print $2}')
  fi
  [ -n "$uri" ] || { say "cannot find the machine's Debian mirror in $src or /etc/apt/sources.list"; exit 1; }
  say "adding bookworm-backports from the configured mirror $uri"
  printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: %s\n' \
    "$uri" "${keyring:-/usr/share/keyrings/debian-archive-keyring.gpg}" | $SUDO tee "$bp" >/dev/null
fi
say "installing mesa-vulkan-drivers (lavapipe) and libvulkan1 from bookworm-backports"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null

if adapter_ok; then
  say "WebGPU adapter ready: $(node scripts/probe-adapter.mjs)"
  if [ "$WITH_BROWSER" = 1 ]; then install_browser; fi
else
  say "lavapipe installed but Dawn still finds no adapter:"; node scripts/probe-adapter.mjs || true; exit 1
fi
