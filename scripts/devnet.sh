#!/usr/bin/env bash
# `make devnet`: builds agorad (release), makes a fresh devnet home (chain id agora-devnet-1,
# one validator, a funded `faucet` key whose mnemonic is printed, short gov periods) and runs
# the node in the foreground. Ctrl-C stops it. DEVNET_HOME picks the directory.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/agora/target}"
echo "devnet: building agorad (release; the first build takes 20-30 minutes on 2 cores)" >&2
cargo build --locked --release --bin agorad
exec scripts/localnet.sh "${DEVNET_HOME:-$HOME/.agora-devnet}" \
    --agorad "$CARGO_TARGET_DIR/release/agorad" --chain-id agora-devnet-1 --reset --foreground
