#!/usr/bin/env bash
# `make devnet`: builds agorad with the very build `make test` uses (dev profile, dependencies
# optimised; the first devnet and the first test run share it), makes a fresh devnet home (chain
# id agora-devnet-1, one validator bonded by its gentx, a funded `faucet` key whose mnemonic is
# printed, short unbonding and gov periods) and runs the node in the foreground. Ctrl-C stops
# it. DEVNET_HOME picks the directory.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/agora/target}"
echo "devnet: building agorad (the first build takes about 40 minutes on 2 cores; later ones seconds)" >&2
# The very command `make test` builds with, so both resolve the same features and share one build
# (a plain `cargo build --bins` resolves dependencies without the dev-dependencies' features and
# would rebuild part of the tree).
cargo test --locked --workspace --no-run 2>&1 | { grep -v '^  Executable ' || true; } >&2
exec scripts/localnet.sh "${DEVNET_HOME:-$HOME/.agora-devnet}" \
    --agorad "$CARGO_TARGET_DIR/debug/agorad" --chain-id agora-devnet-1 --reset --foreground
