#!/usr/bin/env bash
# The cost of a stimulus script as it grows: wall time and peak RSS of `simulate` reading and
# stepping scripts of N events, for two shapes: a recording-like mix (pointer moves, clicks
# and leaves every 0.5 ms) run to its end, and N clicks all at t = 1 (the flood that used to
# be quadratic) run to 1 s. Reading and stepping are linear in N; the limit is
# Script.maxEvents (1,000,000) events per script (docs/stimuli.md, "Limits").
#
# usage: script-cost.sh [--photophore PATH] [--counts LIST] [--check]
#   --counts  comma-separated event counts (default 10000,100000,1000000)
#   --check   exit 3 when the largest count of either shape takes 10 s or more, or 500 MB
#             (10^6 bytes) or more of peak RSS
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
photophore="$here/../.build/release/photophore"
counts=10000,100000,1000000
check=false

die() { echo "script-cost.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --photophore) [ $# -ge 2 ] || die "missing value for $1"; photophore="$2"; shift 2 ;;
    --counts)     [ $# -ge 2 ] || die "missing value for $1"; counts="$2"; shift 2 ;;
    --check)      check=true; shift ;;
    -h|--help)    sed -n '2,12p' "$0"; exit 0 ;;
    *)            die "unknown argument $1" ;;
  esac
done
[ -x "$photophore" ] || die "photophore binary not found at $photophore (build it, or pass --photophore PATH)"
[ -x /usr/bin/time ] || die "GNU time is missing (tools/setup.sh installs it)"
command -v python3 >/dev/null || die "python3 is missing (tools/setup.sh installs it)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
missed=0
echo "shape   events   seconds   peak MB"
for n in ${counts//,/ }; do
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] || die "--counts: $n is not a whole number of at least 1"
  python3 - "$n" "$work" <<'PY'
import json, random, sys
n, work = int(sys.argv[1]), sys.argv[2]
rng = random.Random(1)
mix = []
for i in range(n):
    t = round(i * 0.0005, 4)
    r = i % 10
    if r < 8:
        mix.append({"t": t, "type": "pointer", "x": round(rng.random(), 4), "y": round(rng.random(), 4)})
    elif r == 8:
        mix.append({"t": t, "type": "click", "x": 0.5, "y": 0.5})
    else:
        mix.append({"t": t, "type": "leave"})
json.dump({"scene": "candlefish", "events": mix}, open(f"{work}/mix.json", "w"))
json.dump({"scene": "candlefish", "events": [{"t": 1, "type": "click", "x": 0.5, "y": 0.5}] * n}, open(f"{work}/flood.json", "w"))
PY
  for shape in mix flood; do
    until=(); [ "$shape" = flood ] && until=(--until 1)
    /usr/bin/time -f "%e %M" -o "$work/time" "$photophore" simulate candlefish --script "$work/$shape.json" ${until[@]+"${until[@]}"} \
      > /dev/null 2> "$work/err" || die "simulate failed on $n $shape events: $(tail -1 "$work/err")"
    read -r seconds kib < "$work/time"
    mb=$(awk -v k="$kib" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }')
    printf "%-6s %8d %9s %9s\n" "$shape" "$n" "$seconds" "$mb"
    if $check && [ "$n" = "${counts##*,}" ]; then
      if awk -v s="$seconds" -v m="$mb" 'BEGIN { exit !(s >= 10 || m >= 500) }'; then
        echo "script-cost.sh: $shape at $n events took $seconds s and $mb MB, over the target of 10 s and 500 MB" >&2
        missed=1
      fi
    fi
  done
done
if $check; then
  [ "$missed" = 0 ] || exit 3
  echo "script-cost.sh: the largest scripts are within 10 s and 500 MB"
fi
