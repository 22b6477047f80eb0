#!/usr/bin/env bash
# Installs the system packages a fresh Debian/Ubuntu machine lacks to build and test Agora:
# libclang (bindgen for librocksdb-sys), a C++ toolchain, and Node.js with npm (the cosmjs
# client test, tests/cosmjs). Idempotent: does nothing when everything is present.
#
# `scripts/install-deps.sh --check-libclang DIR...` only reports whether libclang is found in
# the given directories (exit 0 found, 1 missing), without installing anything: CI runs it
# against a layout that holds only libclang-cpp to prove the detection (scripts/test-install-deps.sh).
set -euo pipefail

# clang-sys (used by bindgen) loads `libclang.so` or `libclang-<version>.so` (and their
# `.so.<n>` variants), searching LIBCLANG_PATH, then the llvm-config and system library
# directories. libclang-cpp.so is a different library (the C++ API) and does not count.
libclang_in() {
    local dir f name
    for dir in "$@"; do
        [ -d "$dir" ] || continue
        for f in "$dir"/libclang*.so*; do
            [ -e "$f" ] || continue
            name=${f##*/}
            case "$name" in
                libclang-cpp*) ;;
                libclang.so | libclang.so.* | libclang-[0-9]*.so | libclang-[0-9]*.so.*) return 0 ;;
            esac
        done
    done
    return 1
}

libclang_dirs() {
    [ -n "${LIBCLANG_PATH:-}" ] && echo "$LIBCLANG_PATH"
    command -v llvm-config >/dev/null && llvm-config --libdir 2>/dev/null
    compgen -G '/usr/lib/llvm-*/lib' || true
    echo /usr/lib /usr/lib64 /usr/local/lib /usr/lib/x86_64-linux-gnu /usr/lib/aarch64-linux-gnu
}

have_libclang() {
    local dirs=()
    mapfile -t dirs < <(libclang_dirs)
    libclang_in "${dirs[@]}"
}

if [ "${1:-}" = "--check-libclang" ]; then
    shift
    if libclang_in "$@"; then echo "libclang: found"; exit 0; fi
    echo "libclang: missing"
    exit 1
fi

missing=()
have_libclang || missing+=(libclang-dev)
command -v c++ >/dev/null || missing+=(g++)
command -v make >/dev/null || missing+=(make)
if ! command -v node >/dev/null; then
    missing+=(nodejs npm)
elif ! command -v npm >/dev/null; then
    missing+=(npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if [[ " ${missing[*]} " == *" libclang-dev "* ]] && ! have_libclang; then
    echo "install-deps: libclang-dev installed but no libclang.so found; set LIBCLANG_PATH" >&2
    exit 1
fi
echo "install-deps: done" >&2
