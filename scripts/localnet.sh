#!/usr/bin/env bash
# A one-validator Agora chain in a directory of your choice: init, a funded `faucet` key,
# genesis ceremony (gentx + collect-gentxs), then `agorad start`, in the background by default.
# `make devnet` runs this with --foreground. Usage:
#
#   scripts/localnet.sh <dir> [--agorad PATH] [--chain-id ID] [--rpc-port N]
#                             [--timeout-commit 1s] [--reset] [--foreground]
#
# Background mode writes <dir>/agorad.log and <dir>/agorad.pid and returns once the RPC
# answers; `--rpc-port 0` (background only) lets the node pick a free port, read back from its
# `RPC listening addr=...` log line into client.toml and the printed RPC address. The faucet's
# mnemonic is printed and saved in <dir>/faucet.mnemonic. Keys use the `test` keyring backend
# (plain files): for local chains only.
set -euo pipefail

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 1 ] || usage
dir=$1; shift
repo=$(cd "$(dirname "$0")/.." && pwd)
agorad="${CARGO_TARGET_DIR:-$HOME/.cache/agora/target}/debug/agorad"
chain_id=agora-localnet-1
rpc_port=26657
timeout_commit=1s
reset=false
foreground=false
while [ $# -gt 0 ]; do
    case $1 in
        --agorad) agorad=$2; shift 2 ;;
        --chain-id) chain_id=$2; shift 2 ;;
        --rpc-port) rpc_port=$2; shift 2 ;;
        --timeout-commit) timeout_commit=$2; shift 2 ;;
        --reset) reset=true; shift ;;
        --foreground) foreground=true; shift ;;
        *) echo "localnet: unknown option $1" >&2; usage ;;
    esac
done
# Whether pid $1 still runs (a zombie has exited: it only waits to be reaped).
running() {
    kill -0 "$1" 2>/dev/null || return 1
    [ -r "/proc/$1/stat" ] || return 0
    case $(sed 's/.*) //' "/proc/$1/stat") in Z* | X*) return 1 ;; esac
}
if [ "$rpc_port" = 0 ] && [ "$foreground" = true ]; then
    echo "localnet: --rpc-port 0 needs background mode (the port is known once the node runs)" >&2
    exit 2
fi
[ -x "$agorad" ] || { echo "localnet: no agorad at $agorad (build it, or pass --agorad)" >&2; exit 1; }
if [ -e "$dir/config" ]; then
    if [ "$reset" = true ]; then
        if [ -f "$dir/agorad.pid" ]; then
            old=$(cat "$dir/agorad.pid")
            if kill "$old" 2>/dev/null; then
                # Wait for it to exit: it writes under data/ until it has.
                for _ in $(seq 1 100); do running "$old" || break; sleep 0.1; done
                if running "$old"; then kill -9 "$old" 2>/dev/null || true; sleep 0.2; fi
            fi
        fi
        rm -rf "$dir"
    else
        echo "localnet: $dir already holds a node home; pass --reset to start over" >&2
        exit 1
    fi
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
node="tcp://127.0.0.1:$rpc_port"
a() { "$agorad" --home "$dir" --keyring-backend test --log_level warn "$@"; }

a init localnet --chain-id "$chain_id" 2>/dev/null
a keys add validator --output json >/dev/null
faucet_json=$(a keys add faucet --output json)
mnemonic=$(printf '%s' "$faucet_json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["mnemonic"])')
faucet=$(a keys show faucet -a)
printf '%s\n' "$mnemonic" >"$dir/faucet.mnemonic"
chmod 600 "$dir/faucet.mnemonic"
a genesis add-genesis-account faucet 1000000000000000uagr
a genesis add-genesis-account validator 1000000000000uagr
a genesis gentx validator 100000000uagr --chain-id "$chain_id" >/dev/null 2>&1
a genesis collect-gentxs >/dev/null 2>&1
python3 "$repo/scripts/genesis-overlay.py" "$dir/config/genesis.json" "$repo/genesis/devnet-overlay.json"
a genesis validate >/dev/null

# Node settings: block time, RPC address and Prometheus (config.toml; its port is the RPC's + 3,
# 26660 beside 26657 as CometBFT's defaults, or any free one with --rpc-port 0), client
# defaults (client.toml).
metrics_port=$(( rpc_port == 0 ? 0 : rpc_port + 3 ))
metrics="127.0.0.1:$metrics_port"
sed -i -e "s|^timeout_commit = .*|timeout_commit = \"$timeout_commit\"|" \
       -e "s|^laddr = .*|laddr = \"$node\"|" \
       -e "s|^prometheus = .*|prometheus = true|" \
       -e "s|^prometheus_listen_addr = .*|prometheus_listen_addr = \"$metrics\"|" "$dir/config/config.toml"
# gRPC (app.toml [grpc]): the SDK's 9090, or any free port with --rpc-port 0.
grpc="127.0.0.1:$(( rpc_port == 0 ? 0 : 9090 ))"
# REST (app.toml [api]): the SDK's 1317, or any free port with --rpc-port 0; CORS open so a
# browser wallet (Keplr) on this machine can call it.
rest="127.0.0.1:$(( rpc_port == 0 ? 0 : 1317 ))"
sed -i -e "s|^address = \"127.0.0.1:9090\"|address = \"$grpc\"|" \
       -e "s|^address = \"127.0.0.1:1317\"|address = \"$rest\"|" \
       -e "s|^enabled-unsafe-cors = .*|enabled-unsafe-cors = true|" "$dir/config/app.toml"
sed -i -e "s|^keyring-backend = .*|keyring-backend = \"test\"|" \
       -e "s|^node = .*|node = \"$node\"|" "$dir/config/client.toml"

# info: what to tell the user, once the RPC address is known.
info() {
    cat <<INFO
Agora local chain $chain_id in $dir
  RPC:      $node  (CometBFT JSON-RPC; websocket at ws://${node#tcp://}/websocket)
  gRPC:     $grpc  (Cosmos SDK gRPC with server reflection, e.g. grpcurl -plaintext $grpc list)
  REST:     http://$rest  (Cosmos SDK REST/LCD, e.g. curl http://$rest/cosmos/base/tendermint/v1beta1/node_info; routes at /openapi.json)
  metrics:  http://$metrics/metrics  (Prometheus)
  faucet:   $faucet  (1,000,000,000 AGR; key "faucet" in the test keyring)
  mnemonic: $mnemonic

Try:
  $agorad --home $dir keys add alice
  $agorad --home $dir tx bank send faucet \$($agorad --home $dir keys show alice -a) 1000000uagr --fees 5000uagr --gas auto -y
  $agorad --home $dir query bank balances \$($agorad --home $dir keys show alice -a)
  $agorad --home $dir keplr-chain-info   # the JSON to add this chain to Keplr (README "Keplr")
INFO
}

if [ "$foreground" = true ]; then
    info
    exec "$agorad" --home "$dir" start
fi
nohup "$agorad" --home "$dir" start >"$dir/agorad.log" 2>&1 &
echo $! >"$dir/agorad.pid"
pid=$(cat "$dir/agorad.pid")
# The address the node bound (the real port when asked for port 0), from its log.
for _ in $(seq 1 300); do
    addr=$(sed -n 's/.* agorad::listen: RPC listening addr=\([^ ]*\).*/\1/p' "$dir/agorad.log" | head -1)
    [ -n "$addr" ] && break
    running "$pid" || { echo "localnet: agorad exited; see $dir/agorad.log" >&2; tail -20 "$dir/agorad.log" >&2; exit 1; }
    sleep 0.2
done
[ -n "$addr" ] || { echo "localnet: agorad did not listen within 60 s; see $dir/agorad.log" >&2; exit 1; }
node="tcp://$addr"
sed -i -e "s|^node = .*|node = \"$node\"|" "$dir/config/client.toml"
for _ in $(seq 1 300); do
    if "$agorad" --home "$dir" status >/dev/null 2>&1; then
        # Bound right after the RPC, so known once the RPC answers.
        metrics=$(sed -n 's/.* agorad::listen: Prometheus listening addr=\([^ ]*\).*/\1/p' "$dir/agorad.log" | head -1)
        grpc=$(sed -n 's/.* agorad::listen: gRPC listening addr=\([^ ]*\).*/\1/p' "$dir/agorad.log" | head -1)
        rest=$(sed -n 's/.* agorad::listen: REST listening addr=\([^ ]*\).*/\1/p' "$dir/agorad.log" | head -1)
        info
        echo "started: pid $pid, log $dir/agorad.log"
        exit 0
    fi
    running "$pid" || { echo "localnet: agorad exited; see $dir/agorad.log" >&2; tail -20 "$dir/agorad.log" >&2; exit 1; }
    sleep 0.2
done
echo "localnet: the RPC did not answer within 60 s; see $dir/agorad.log" >&2
exit 1
