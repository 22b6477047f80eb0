#!/usr/bin/env bash
# Proves install-deps.sh detects libclang the way clang-sys does: a directory holding only
# libclang-cpp (what a fresh Debian with LLVM's runtime has) means libclang is missing, while
# libclang.so or libclang-<version>.so(.<n>) means it is present. Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
check() { bash scripts/install-deps.sh --check-libclang "$@" >/dev/null; }
fail() { echo "test-install-deps: $*" >&2; exit 1; }

mkdir -p "$root/cpp-only/lib" "$root/versioned/lib" "$root/plain/lib" "$root/soname/lib"
touch "$root/cpp-only/lib/libclang-cpp.so.14" "$root/cpp-only/lib/libclang-cpp.so" \
    "$root/cpp-only/lib/libclangBasic.a"
touch "$root/versioned/lib/libclang-14.so"
touch "$root/plain/lib/libclang.so"
touch "$root/soname/lib/libclang-14.so.1"

check "$root/cpp-only/lib" && fail "libclang-cpp alone was taken for libclang"
check "$root/empty-missing-dir" && fail "a missing directory was taken for libclang"
check "$root/versioned/lib" || fail "libclang-14.so not found"
check "$root/plain/lib" || fail "libclang.so not found"
check "$root/soname/lib" || fail "libclang-14.so.1 not found"
check "$root/cpp-only/lib" "$root/versioned/lib" || fail "libclang in a second directory not found"
echo "test-install-deps: 6 passed, 0 failed"
