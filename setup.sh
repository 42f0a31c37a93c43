#!/usr/bin/env bash
# Kaso Mashin's one entry point for a fresh Debian 12 machine:
#   ./setup.sh server [kaso-server options]   install what is missing, build, run the server
#   ./setup.sh test                           install what is missing, build (and the test guest
#                                             image, cached), run every test, run every test again
#                                             built with ASan + UBSan (test-sanitized), then
#                                             fuzz each libFuzzer target for a minute (clang build)
#   ./setup.sh test-sanitized                 only the second half of `test`: the test suite built
#                                             with ASan + UBSan in ./build-asan; any sanitizer
#                                             report fails it
#   ./setup.sh build                          install what is missing and build
# Build output goes to ./build (override with KASO_BUILD_DIR), the sanitized build to ./build-asan
# (KASO_ASAN_BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")"

packages=(
  cmake g++ pkg-config ninja-build
  libcaf-dev librocksdb-dev libcpp-httplib-dev nlohmann-json3-dev libcxxopts-dev libspdlog-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcurl4-openssl-dev libssl-dev libcrypt-dev libisofs-dev libyaml-dev liblzma-dev zlib1g-dev libzstd-dev
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

asan_build_dir=${KASO_ASAN_BUILD_DIR:-build-asan}

# The test suite again, e2e included, built with AddressSanitizer and UndefinedBehaviorSanitizer
# (g++, -O1, -g1: line tables are enough for symbolized stacks; no NDEBUG; undefined behaviour
# fatal; leaks checked at exit; no benchmarks). Every report of every process (the test
# programs and the kaso-server and kaso they start, whose stderr goes to a log in a temporary
# folder the test removes) is written to one folder; any report there fails the run, as does any
# failed test. Suppressions are for third-party code only (tools/sanitizers/).
test_sanitized() {
  cmake -S . -B "$asan_build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DKASO_SANITIZE=ON -DKASO_BUILD_BENCH=OFF
  cmake --build "$asan_build_dir" -j "$(nproc)"
  local reports supp=$PWD/tools/sanitizers status=0
  reports=$(mktemp -d /tmp/kaso-sanitizers-XXXXXX)
  chmod 1777 "$reports"   # a server under test may act as another user (the sudo test)
  local common="log_path=$reports/report:print_stacktrace=1"
  ASAN_OPTIONS="$common:detect_leaks=1:abort_on_error=0:halt_on_error=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1" \
  LSAN_OPTIONS="$common:suppressions=$supp/lsan.supp" \
  UBSAN_OPTIONS="$common:halt_on_error=1:suppressions=$supp/ubsan.supp" \
    ctest --test-dir "$asan_build_dir" --output-on-failure -j "$(nproc)" || status=$?
  if compgen -G "$reports/report.*" >/dev/null; then
    echo "Sanitizer reports:" >&2
    cat "$reports"/report.* >&2
    status=1
  fi
  rm -rf "$reports"
  return "$status"
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
    # The e2e test too: its time is the guest's under TCG, hardly the sanitizers' (issue #7).
    test_sanitized
    tools/fuzz/run "${KASO_FUZZ_SECONDS:-60}"
    ;;
  test-sanitized)
    install_missing
    tools/test-image/build --print-path
    test_sanitized
    ;;
  build)
    install_missing
    build
    ;;
  *)
    echo "usage: $0 server|test|test-sanitized|build" >&2
    exit 2
    ;;
esac
