#!/usr/bin/env bash
# Node benchmark on this machine, with `agorad loadtest` against scripts/localnet.sh chains:
#
#   (a) committed tx/s and inclusion latency: 1 s blocks, 1,000 accounts offering
#       1,000 tx/s for 60 s (5 s warm-up); FinalizeBlock throughput and the share of time the
#       engine holds the app lock, from the node's "finalized block"/"committed block" logs.
#   (b) node memory after 10,000 blocks: 10 ms blocks under light load (20 tx/s), so it takes
#       minutes, not hours; VmRSS/VmHWM from /proc/<pid>/status every 2,000 blocks.
#
# Usage: scripts/bench-node.sh [--agorad PATH] [--rate N] [--duration 60s] [--blocks N] [--keep]
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
        *) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
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
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    if [ "$keep" = true ]; then echo "bench-node: work files kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
field() { grep "^$2:" "/proc/$1/status" | awk '{print $2, $3}'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
height() { "$agorad" --home "$1" status -o json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["sync_info"]["latest_block_height"])'; }

# A localnet in $work/$1 with blocks every $2; sets $pid.
localnet() {
    "$repo/scripts/localnet.sh" "$work/$1" --agorad "$agorad" --rpc-port "$(free_port)" \
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
echo "agorad:  $agorad"
echo "profile: $profile"
echo

echo "== (a) throughput: 1 s blocks, $rate tx/s offered from 1,000 accounts for $duration"
localnet a 1s
node_cpu0=$(cpu_ticks "$pid")
TIMEFORMAT='%R %U %S'
{ time "$agorad" --home "$work/a" --log_level warn loadtest --from faucet --accounts 1000 \
    --rate "$rate" --duration "$duration" --warmup 5s --connections 8 -o json \
    >"$work/a.json" 2>"$work/a.progress"; } 2>"$work/a.time"
node_cpu1=$(cpu_ticks "$pid")
tail -3 "$work/a.progress"
python3 - "$work/a.json" "$work/a/agorad.log" "$work/a.time" "$((node_cpu1 - node_cpu0))" "$(getconf CLK_TCK)" <<'PY'
import json, re, sys
from datetime import datetime
report = json.load(open(sys.argv[1]))
wall, user, sys_ = map(float, open(sys.argv[3]).read().split())
node_cpu = int(sys.argv[4]) / int(sys.argv[5])
ansi = re.compile(r"\x1b\[[0-9;]*m")
def stamp(line):
    return datetime.fromisoformat(line.split()[0].rstrip("Z")).timestamp()
finalized, committed = {}, []
for line in open(sys.argv[2]):
    line = ansi.sub("", line)
    kv = dict(re.findall(r"(\w+)=(\S+)", line))
    if "finalized block" in line:
        finalized[kv["height"]] = stamp(line)
    elif "committed block" in line and int(kv.get("txs", 0)) >= 100:
        committed.append((kv["height"], int(kv["txs"]), int(kv["took_ms"]), stamp(line)))
r = report
lat = r["latency_ms"]
print(f"sent {r['sent']}, offered {r['offered_tx_per_s']} tx/s, accepted {r['accepted']}, "
      f"rejected {r['rejected']} {r['rejected_by_reason'] or ''}, committed {r['committed']} "
      f"(failed {r['committed_failed']}, not committed {r['not_committed']})")
print(f"committed tx/s over the {r['window_s']} s window: {r['committed_tx_per_s']}")
print(f"inclusion latency ms: p50 {lat['p50']}, p90 {lat['p90']}, p99 {lat['p99']}, max {lat['max']} "
      f"({lat['samples']} txs)")
print(f"blocks in window: {r['blocks']}, mean {r['mean_txs_per_block']} txs/block, "
      f"mempool max {r['mempool_max']}")
if committed:
    txs = sum(c[1] for c in committed)
    took = sum(c[2] for c in committed) / 1000
    # "finalized block" is logged at the end of FinalizeBlock; "committed block" after the
    # results are stored, Commit and the mempool recheck, took_ms after the block started.
    fin = sum(finalized[h] - (t - ms / 1000) for h, _, ms, t in committed if h in finalized)
    span = committed[-1][3] - committed[0][3]
    print(f"node, {len(committed)} loaded blocks: block execution (FinalizeBlock + Commit + recheck) "
          f"{txs / took:.0f} tx/s, of which FinalizeBlock alone {txs / fin:.0f} tx/s "
          f"({fin / took:.0%} of the time)")
    print(f"engine busy (app lock held executing blocks): {took / span:.0%} of the "
          f"{span:.0f} s between the first and last loaded block")
    print(f"committed tx/s / block execution tx/s = {r['committed_tx_per_s'] / (txs / took):.2f}")
print(f"CPU over the run (wall {wall:.1f} s): node {node_cpu / wall:.2f} cores, "
      f"loadtest client {(user + sys_) / wall:.2f} cores")
print(f"goal 1,000 committed tx/s: {'met' if r['committed_tx_per_s'] >= 1000 else 'NOT met'}")
PY
kill "$pid"
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
echo "txs sent: $(python3 -c 'import json,sys; print(sum(json.loads(l)["committed"] for l in open(sys.argv[1])))' "$work/b.json") committed"
