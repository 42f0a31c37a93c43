#!/usr/bin/env bash
# Kaso Mashin's one entry point for a fresh Debian 12 machine:
#   ./setup.sh server [kaso-server options]   install what is missing, build, run the server
#   ./setup.sh test                           install what is missing, build (and the test guest
#                                             image, cached), run every test, then
#                                             fuzz each libFuzzer target for a minute (clang build)
#   ./setup.sh build                          install what is missing and build
# Build output goes to ./build (override with KASO_BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")"

packages=(
  cmake g++ pkg-config ninja-build
  libcaf-dev librocksdb-dev libcpp-httplib-dev nlohmann-json3-dev libcxxopts-dev libspdlog-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcurl4-openssl-dev libssl-dev libcrypt-dev libisofs-dev liblzma-dev zlib1g-dev libzstd-dev
  qemu-system-x86 qemu-utils openssh-client gzip curl netcat-openbsd genisoimage python3-yaml
  clang libclang-rt-14-dev
  mmdebstrap e2fsprogs fdisk grub-pc-bin
)

install_missing() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  echo "Installing: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

build_dir=${KASO_BUILD_DIR:-build}

build() {
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
  cmake --build "$build_dir" -j "$(nproc)"
}

case "${1:-}" in
  server)
    shift
    install_missing
    build
    exec "$build_dir/bin/kaso-server" "$@"
    ;;
  test)
    install_missing
    build
    # The end-to-end guest (cached outside the repo by its recipe; minutes to build the first time).
    tools/test-image/build --print-path
    ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)"
    tools/fuzz/run "${KASO_FUZZ_SECONDS:-60}"
    ;;
  build)
    install_missing
    build
    ;;
  *)
    echo "usage: $0 server|test|build" >&2
    exit 2
    ;;
esac
