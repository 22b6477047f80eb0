#!/usr/bin/env bash
# Node benchmark on this machine, with `agorad loadtest` against scripts/localnet.sh chains:
#
#   (a) committed tx/s and inclusion latency: 1 s blocks, 1,000 accounts offering
#       1,000 tx/s for 60 s (5 s warm-up); block execution and FinalizeBlock throughput and the
#       share of time the engine holds the app lock, from the node's "finalized block" and
#       "committed block" logs; CPU of node and client. (a') the same at twice the rate, to
#       see where it saturates.
#   (b) node memory after 10,000 blocks: 10 ms blocks under light load (20 tx/s), so it takes
#       minutes, not hours; VmRSS/VmHWM from /proc/<pid>/status every 2,000 blocks.
#
# Usage: scripts/bench-node.sh [--agorad PATH] [--rate N] [--duration 60s] [--blocks N] [--keep]
# (about 6 minutes with the defaults)
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
keep=false
while [ $# -gt 0 ]; do
    case $1 in
        --agorad) agorad=$2; shift 2 ;;
        --rate) rate=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --blocks) blocks=$2; shift 2 ;;
        --keep) keep=true; shift ;;
        *) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
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

# throughput NAME RATE ACCOUNTS DURATION: a fresh 1 s-block localnet, one loadtest, analysis.
throughput() {
    local name=$1 rate=$2 accounts=$3 duration=$4
    localnet "$name" 1s
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    local cpu0 cpu1
    cpu0=$(cpu_ticks "$pid")
    TIMEFORMAT='%R %U %S'
    { time "$agorad" --home "$work/$name" --log_level warn loadtest --from faucet \
        --accounts "$accounts" --rate "$rate" --duration "$duration" --warmup 5s --connections 8 \
        -o json >"$work/$name.json" 2>"$work/$name.progress"; } 2>"$work/$name.time"
    cpu1=$(cpu_ticks "$pid")
    echo "node memory after the load: VmRSS $(field "$pid" VmRSS), VmHWM $(field "$pid" VmHWM)"
    kill "$pid"
    python3 - "$work/$name.json" "$work/$name/agorad.log" "$work/$name.time" "$((cpu1 - cpu0))" \
        "$(getconf CLK_TCK)" <<'PY'
import json, re, sys
from datetime import datetime
r = json.load(open(sys.argv[1]))
wall, user, sys_ = map(float, open(sys.argv[3]).read().split())
node_cpu = int(sys.argv[4]) / int(sys.argv[5])
ansi = re.compile(r"\x1b\[[0-9;]*m")
def stamp(line):
    return datetime.fromisoformat(line.split()[0].rstrip("Z")).timestamp()
finalized, loaded = {}, []
for line in open(sys.argv[2]):
    line = ansi.sub("", line)
    kv = dict(re.findall(r"(\w+)=(\S+)", line))
    if "finalized block" in line:
        finalized[kv["height"]] = stamp(line)
    elif "committed block" in line and int(kv.get("txs", 0)) >= 100:
        loaded.append((kv["height"], int(kv["txs"]), int(kv["took_ms"]), stamp(line)))
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
if loaded:
    txs = sum(b[1] for b in loaded)
    took = sum(b[2] for b in loaded) / 1000
    # "finalized block" is logged when FinalizeBlock ends, "committed block" after the results
    # are stored, Commit and the mempool recheck; took_ms runs from the start of FinalizeBlock.
    fin = sum(finalized[h] - (t - m / 1000) for h, _, m, t in loaded if h in finalized)
    span = loaded[-1][3] - loaded[0][3]
    execution = txs / took
    print(f"node, {len(loaded)} blocks of >= 100 txs: block execution (FinalizeBlock + store "
          f"results + Commit + recheck, app lock held) {execution:.0f} tx/s; FinalizeBlock alone "
          f"{txs / fin:.0f} tx/s ({fin / took:.0%} of it)")
    print(f"app lock held by block execution {took / span:.0%} of the {span:.0f} s from the first "
          f"to the last loaded block; mean block interval {span / max(len(loaded) - 1, 1):.2f} s")
    print(f"committed tx/s / block execution tx/s = {r['committed_tx_per_s'] / execution:.2f}")
print(f"CPU over the loadtest ({wall:.0f} s incl. setup): node {node_cpu / wall:.2f} cores, "
      f"loadtest client {(user + sys_) / wall:.2f} cores (of which signing ahead is part)")
PY
}

echo "== (a) throughput: 1 s blocks, $rate tx/s offered from 1,000 accounts for $duration"
throughput a "$rate" 1000 "$duration"
echo
echo "== (a') headroom: the same at $((2 * rate)) tx/s offered from 2,000 accounts"
throughput a2 "$((2 * rate))" 2000 "$duration"
echo

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
