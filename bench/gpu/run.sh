#!/usr/bin/env bash
# The cpm-webgpu GPU bench kit (built by bench/gpu/pack.ts): bash run.sh OUT [--quick] [--budget-s SECONDS] [--cases REGEX]
# Unpacks the kit's Node, Dawn and Vulkan loader into a temporary folder, picks the machine's Vulkan
# driver (NVIDIA's where there is one, else every one registered), runs the bench, and writes
# OUT/bench.json and OUT/log.txt. Needs bash, coreutils, gzip, and dpkg-deb or ar and tar: no Node,
# no npm, no network. VK_DRIVER_FILES, if set, names the driver instead; CPM_KIT_TIMEOUT_S (default
# 540) stops the bench from outside, past its own --budget-s (default 420) after which no case starts.
set -euo pipefail
kit=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ $# -lt 1 ] || [ "${1#-}" != "$1" ]; then
  echo "usage: bash run.sh OUT [--quick] [--budget-s SECONDS] [--cases REGEX]" >&2
  exit 2
fi
out=$1
shift
mkdir -p "$out"
out=$(cd "$out" && pwd)

# Where Vulkan drivers register; NVIDIA's container runtime mounts its own under /usr/local/nvidia.
ICD_DIRS=(/usr/local/nvidia/share/vulkan/icd.d /etc/vulkan/icd.d /usr/share/vulkan/icd.d /usr/local/share/vulkan/icd.d)

unpack_deb() { # DEB DEST
  if command -v dpkg-deb >/dev/null; then
    dpkg-deb -x "$1" "$2"
  else
    local tmp
    tmp=$(mktemp -d)
    (cd "$tmp" && ar x "$1")
    tar -xf "$tmp"/data.tar.* -C "$2"
    rm -rf "$tmp"
  fi
}

find_drivers() {
  local d f found=""
  for d in "${ICD_DIRS[@]}"; do
    if [ -f "$d/nvidia_icd.json" ]; then echo "$d/nvidia_icd.json"; return; fi
  done
  for d in "${ICD_DIRS[@]}"; do
    for f in "$d"/*.json; do [ -f "$f" ] && found="${found:+$found:}$f"; done
  done
  echo "$found"
}

main() {
  local work status=0 timeout_s="${CPM_KIT_TIMEOUT_S:-540}"
  work=$(mktemp -d "${TMPDIR:-/tmp}/cpm-gpu-kit.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  echo "kit packed from commit $(sed -n 's/.*"commit": *"\([^"]*\)".*/\1/p' "$kit/kit.json" | head -1), unpacking into $work"
  mkdir -p "$work/bin" "$work/dist/linux-x64" "$work/root"
  gzip -dc "$kit/node.gz" >"$work/bin/node"
  chmod +x "$work/bin/node"
  # The bundled webgpu package looks for its native module at dist/linux-x64/ beside the bundle.
  gzip -dc "$kit/dawn.node.gz" >"$work/dist/linux-x64/dawn.node"
  cp "$kit/bench.mjs" "$work/"
  for deb in "$kit"/debs/*.deb; do unpack_deb "$deb" "$work/root"; done
  local libs="$work/root/usr/lib/x86_64-linux-gnu:$work/root/lib/x86_64-linux-gnu" d
  for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do [ -d "$d" ] && libs="$libs:$d"; done
  export LD_LIBRARY_PATH="$libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  if ! "$work/bin/node" --version >/dev/null 2>&1; then
    echo "the kit's Node ($(sed -n 's/.*"node": *"\([^"]*\)".*/\1/p' "$kit/kit.json" | head -1)) does not start on this machine:"
    "$work/bin/node" --version || true
    exit 1
  fi
  if [ -z "${VK_DRIVER_FILES:-}" ]; then
    VK_DRIVER_FILES=$(find_drivers)
    if [ -z "$VK_DRIVER_FILES" ]; then
      echo "no Vulkan driver found: no *.json driver file in ${ICD_DIRS[*]}; set VK_DRIVER_FILES to the driver's file"
      exit 1
    fi
  fi
  # Loaders before 1.3.207 read only the older name.
  export VK_DRIVER_FILES VK_ICD_FILENAMES="$VK_DRIVER_FILES"
  echo "Vulkan drivers: $VK_DRIVER_FILES"
  # The loader says why a driver did not load (a library it needs missing, say): one run on a GPU machine has to tell.
  export VK_LOADER_DEBUG="${VK_LOADER_DEBUG:-error,warn}"
  if command -v nvidia-smi >/dev/null; then nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader || true; fi
  export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
  timeout -k 15 "$timeout_s" "$work/bin/node" "$work/bench.mjs" "$out" "$@" || status=$?
  if [ "$status" = 124 ] || [ "$status" = 137 ]; then echo "the bench ran past $timeout_s s and was stopped; $out/bench.json holds the cases finished before"; fi
  return "$status"
}

main "$@" 2>&1 | tee "$out/log.txt"
