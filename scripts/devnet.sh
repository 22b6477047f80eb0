#!/usr/bin/env bash
# `make devnet`: builds agorad (the dev profile `make test` builds too: dependencies optimised,
# so the first devnet and the first test run share one build), makes a fresh devnet home (chain id agora-devnet-1,
# one validator, a funded `faucet` key whose mnemonic is printed, short gov periods) and runs
# the node in the foreground. Ctrl-C stops it. DEVNET_HOME picks the directory.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/agora/target}"
echo "devnet: building agorad (the first build takes about 40 minutes on 2 cores; later ones seconds)" >&2
cargo build --locked --workspace --bins
exec scripts/localnet.sh "${DEVNET_HOME:-$HOME/.agora-devnet}" \
    --agorad "$CARGO_TARGET_DIR/debug/agorad" --chain-id agora-devnet-1 --reset --foreground
