#!/usr/bin/env bash
# Node benchmark on this machine, with `agorad loadtest` against scripts/localnet.sh chains:
#
#   (a) committed tx/s, inclusion latency and block interval: 1 s blocks, 1,000 accounts
#       offering --rate tx/s for 60 s (5 s warm-up) over --connections connections; block
#       execution split into FinalizeBlock, storing results, Commit and recheck, from the
#       node's "committed block" log; CPU of node and client.
#   (q) the same plus 500 balance queries/s (`loadtest --query-rate 500`) over CometBFT RPC
#       `abci_query`: query latency and whether queries stretch block intervals.
#   (qg), (qr) the same with the queries over gRPC (`--query-api grpc`) and over the REST
#       gateway (`--query-api rest`).
#   (s) the same plus a flood of 1,000 `tx_search` requests no index answers
#       (`loadtest --search-flood 1000`).
#   (a') the same as (a) at twice the rate, to see where it saturates.
#   (b) node memory after 10,000 blocks: 10 ms blocks under light load (20 tx/s), so it takes
#       minutes, not hours; VmRSS/VmHWM from /proc/<pid>/status every 2,000 blocks.
#
# Usage: scripts/bench-node.sh [--agorad PATH] [--rate N] [--duration 60s] [--blocks N]
#        [--connections N] [--sections "a q qg qr s a2 b"] [--keep]
# (about 10 minutes with the defaults)
#
# Without --agorad it uses $CARGO_TARGET_DIR/release/agorad if that is newer than every
# source file, else builds and uses $CARGO_TARGET_DIR/debug/agorad (the dev profile:
# dependencies at opt-level 3, workspace crates at 1). Work files go to a temporary directory,
# removed at the end unless --keep. Nodes are stopped by their pid.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
target="${CARGO_TARGET_DIR:-$HOME/.cache/agora/target}"
agorad=""
rate=1000
duration=60s
blocks=10000
connections=16
sections="a q qg qr s a2 b"
keep=false
while [ $# -gt 0 ]; do
    case $1 in
        --agorad) agorad=$2; shift 2 ;;
        --rate) rate=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --blocks) blocks=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --sections) sections=$2; shift 2 ;;
        --keep) keep=true; shift ;;
        *) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    esac
done

if [ -z "$agorad" ]; then
    release="$target/release/agorad"
    newer=""
    if [ -x "$release" ]; then
        newer=$(find "$repo" -path "$repo/target" -prune -o \
            \( -name '*.rs' -o -name Cargo.toml -o -name Cargo.lock -o -name '*.proto' \) \
            -newer "$release" -print -quit)
    fi
    if [ -x "$release" ] && [ -z "$newer" ]; then
        agorad=$release
        profile="release (fresh)"
    else
        echo "bench-node: building agorad (dev profile)" >&2
        (cd "$repo" && CARGO_TARGET_DIR="$target" cargo build -q -p agora-cli --bin agorad)
        agorad="$target/debug/agorad"
        profile="dev (deps opt-level 3, workspace crates opt-level 1)"
    fi
else
    profile="given with --agorad"
fi

work=$(mktemp -d /tmp/bench-node.XXXXXX)
# A copy, so a concurrent rebuild in the shared target dir cannot swap the binary mid-run.
built=$(date -u -r "$agorad" +%Y-%m-%dT%H:%MZ)
cp "$agorad" "$work/agorad"
source_binary=$agorad
agorad="$work/agorad"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    if [ "$keep" = true ]; then echo "bench-node: work files kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

field() { grep "^$2:" "/proc/$1/status" | awk '{print $2, $3}'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
height() { "$agorad" --home "$1" status -o json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["sync_info"]["latest_block_height"])'; }

# A localnet in $work/$1 with blocks every $2; sets $pid.
localnet() {
    "$repo/scripts/localnet.sh" "$work/$1" --agorad "$agorad" --rpc-port 0 \
        --timeout-commit "$2" >"$work/$1.setup.log" 2>&1
    pid=$(cat "$work/$1/agorad.pid")
    pids+=("$pid")
}

echo "== machine"
echo "date:    $(date -u +%Y-%m-%dT%H:%MZ)"
echo "nproc:   $(nproc)"
echo "cpu:     $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "memory:  $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min, at the start)"
echo "rustc:   $(rustc --version 2>/dev/null || echo unknown)"
echo "agorad:  $source_binary (built $built)"
echo "profile: $profile"
echo

# The address agorad logged for a listener (`gRPC`, `REST`) of the localnet in $1.
listen_addr() { sed -n "s/.* agorad::listen: $2 listening addr=\([^ ]*\).*/\1/p" "$1/agorad.log" | head -1; }

# throughput NAME RATE ACCOUNTS DURATION [LOADTEST ARGS...]: a fresh 1 s-block localnet, one
# loadtest (with any side load the extra arguments ask for; @GRPC@ and @REST@ stand for the
# localnet's gRPC and REST addresses), analysis.
throughput() {
    local name=$1 rate=$2 accounts=$3 duration=$4
    shift 4
    localnet "$name" 1s
    local args=() arg
    for arg in "$@"; do
        arg=${arg//@GRPC@/http://$(listen_addr "$work/$name" gRPC)}
        args+=("${arg//@REST@/http://$(listen_addr "$work/$name" REST)}")
    done
    set -- "${args[@]}"
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    local cpu0 cpu1
    cpu0=$(cpu_ticks "$pid")
    TIMEFORMAT='%R %U %S'
    { time "$agorad" --home "$work/$name" --log_level warn loadtest --from faucet \
        --accounts "$accounts" --rate "$rate" --duration "$duration" --warmup 5s \
        --connections "$connections" "$@" -o json >"$work/$name.json" 2>"$work/$name.progress"; } 2>"$work/$name.time"
    cpu1=$(cpu_ticks "$pid")
    echo "node memory after the load: VmRSS $(field "$pid" VmRSS), VmHWM $(field "$pid" VmHWM)"
    kill "$pid"
    python3 - "$work/$name.json" "$work/$name/agorad.log" "$work/$name.time" "$((cpu1 - cpu0))" \
        "$(getconf CLK_TCK)" <<'PY'
import json, re, sys
r = json.load(open(sys.argv[1]))
wall, user, sys_ = map(float, open(sys.argv[3]).read().split())
node_cpu = int(sys.argv[4]) / int(sys.argv[5])
ansi = re.compile(r"\x1b\[[0-9;]*m")
loaded = []
for line in open(sys.argv[2]):
    line = ansi.sub("", line)
    kv = dict(re.findall(r"(\w+)=(\S+)", line))
    if "committed block" in line and int(kv.get("txs", 0)) >= 100:
        loaded.append({k: int(kv[k]) for k in
                       ("txs", "took_ms", "finalize_ms", "results_ms", "commit_ms", "recheck_ms")})
ms = lambda d: f"p50 {d['p50']:.0f}, p90 {d['p90']:.0f}, p99 {d['p99']:.0f}, max {d['max']:.0f}"
print(f"sent {r['sent']} ({r['offered_tx_per_s']} tx/s offered), accepted {r['accepted']}, "
      f"rejected {r['rejected']} {r['rejected_by_reason'] or ''}, committed {r['committed']} "
      f"(failed {r['committed_failed']}, not committed {r['not_committed']})")
print(f"committed tx/s over the {r['window_s']:.0f} s window after warm-up: {r['committed_tx_per_s']}")
print(f"inclusion latency ms (due -> seen committed): {ms(r['latency_ms'])}")
print(f"  of which queued in the client (all connections busy): {ms(r['send_lag_ms'])}")
print(f"  broadcast_tx_sync round trip ms: {ms(r['broadcast_ms'])}")
print(f"blocks in window: {r['blocks']}, mean {r['mean_txs_per_block']} txs/block, "
      f"mempool max {r['mempool_max']}")
print(f"block interval ms (header times): {ms(r['block_interval_ms'])}")
for kind in ("queries", "searches"):
    if kind in r:
        q = r[kind]
        api = f" over {q['api']}" if q.get("api") else ""
        print(f"{kind}{api}: sent {q['sent']}, answered {q['answered']}, failed "
              f"{q['failed_by_reason'] or 0}; latency ms {ms(q['latency_ms'])}")
if loaded:
    txs = sum(b["txs"] for b in loaded)
    part = lambda k: sum(b[k] for b in loaded) / 1000
    took = part("took_ms")
    print(f"node, {len(loaded)} blocks of >= 100 txs: block execution (app lock held) "
          f"{txs / took:.0f} tx/s; FinalizeBlock alone {txs / part('finalize_ms'):.0f} tx/s; "
          f"share of execution: FinalizeBlock {part('finalize_ms') / took:.0%}, storing results "
          f"{part('results_ms') / took:.0%}, Commit {part('commit_ms') / took:.0%}, recheck "
          f"{part('recheck_ms') / took:.0%}; mean {took / len(loaded) * 1000:.0f} ms a block")
print(f"CPU over the loadtest ({wall:.0f} s incl. setup): node {node_cpu / wall:.2f} cores, "
      f"loadtest client {(user + sys_) / wall:.2f} cores (of which signing ahead is part)")
PY
}

wanted() { [[ " $sections " == *" $1 "* ]]; }
if wanted a; then
    echo "== (a) throughput: 1 s blocks, $rate tx/s offered from 1,000 accounts for $duration"
    throughput a "$rate" 1000 "$duration"
    echo
fi
if wanted q; then
    echo "== (q) the same plus 500 balance queries/s"
    throughput q "$rate" 1000 "$duration" --query-rate 500
    echo
fi
if wanted qg; then
    echo "== (qg) the same plus 500 balance queries/s over gRPC"
    throughput qg "$rate" 1000 "$duration" --query-rate 500 --query-api grpc --query-endpoint @GRPC@
    echo
fi
if wanted qr; then
    echo "== (qr) the same plus 500 balance queries/s over REST"
    throughput qr "$rate" 1000 "$duration" --query-rate 500 --query-api rest --query-endpoint @REST@
    echo
fi
if wanted s; then
    echo "== (s) the same plus a flood of 1,000 tx_search requests no index answers"
    throughput s "$rate" 1000 "$duration" --search-flood 1000
    echo
fi
if wanted a2; then
    echo "== (a') headroom: the same at $((2 * rate)) tx/s offered from 2,000 accounts"
    throughput a2 "$((2 * rate))" 2000 "$duration"
    echo
fi
wanted b || exit 0

echo "== (b) memory: $blocks blocks of 10 ms (timeout_commit) under 20 tx/s from 100 accounts"
localnet b 10ms
start=$(date +%s)
echo "height  VmRSS        VmHWM        elapsed"
printf '%-7s %-12s %-12s %ss\n' "$(height "$work/b")" "$(field "$pid" VmRSS)" "$(field "$pid" VmHWM)" 0
next=2000
while h=$(height "$work/b"); [ "$h" -lt "$blocks" ]; do
    "$agorad" --home "$work/b" --log_level warn loadtest --from faucet --accounts 100 --rate 20 \
        --duration 20s --warmup 1s --connections 2 -o json >>"$work/b.json" 2>>"$work/b.progress"
    h=$(height "$work/b")
    if [ "$h" -ge "$next" ] || [ "$h" -ge "$blocks" ]; then
        printf '%-7s %-12s %-12s %ss\n' "$h" "$(field "$pid" VmRSS)" "$(field "$pid" VmHWM)" "$(($(date +%s) - start))"
        next=$((h - h % 2000 + 2000))
    fi
done
echo "data dir: $(du -sh "$work/b/data" | cut -f1)"
for db in "$work"/b/data/*.db; do
    # Unflushed writes live in both the memtables (RSS) and the write-ahead log.
    wal=$(cat "$db"/*.log 2>/dev/null | wc -c)
    flushes=$(cat "$db"/LOG* 2>/dev/null | grep -c '"flush_finished"' || true)
    echo "$(basename "$db"): write-ahead log $((wal / 1048576)) MiB, memtable flushes $flushes"
done
if [ -f "$work/b.json" ]; then
    echo "load: $(python3 -c 'import json,sys; print(sum(json.loads(l)["committed"] for l in open(sys.argv[1])))' "$work/b.json") txs committed"
fi
