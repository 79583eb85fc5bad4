#!/usr/bin/env bash
# Measures how well the frame-budget gate catches a regression: regressions of +5%, +10% and
# +20% are planted in each stage of a frame (scene, raster, effects), each tried several
# times, and the unchanged tree is tried too. Prints, per row, how many trials the gate
# failed: for a planted regression that is its detection rate, for the unchanged tree its
# false-alarm rate. Exits 1 when +10% is caught in fewer than 95% of trials or false alarms
# pass 5%.
#
# The instruction leg (tools/gate-instructions.sh) is always measured. A planted regression
# there adds that share of the reference's instruction count of the stage, as fixed work at
# the stage's end. --time also measures the frame-time leg (bench --baseline): the plant spins
# inside the stage for that share of the stage's own time in each frame.
# --load runs every other trial with every core kept busy by another process, to show that
# the instruction counts do not move with the load.
#
# usage: gate-power.sh [--trials N] [--unchanged M] [--percents "5 10 20"] [--time] [--load]
#        gate-power.sh --quick      # CI: 2 unchanged trials and one +10% trial per stage
set -euo pipefail
cd "$(dirname "$0")/.."
trials=10 unchanged=20 percents="5 10 20" time_leg=0 load=0
while (($#)); do
  case "$1" in
    --trials) trials=$2; shift ;;
    --unchanged) unchanged=$2; shift ;;
    --percents) percents=$2; shift ;;
    --time) time_leg=1 ;;
    --load) load=1 ;;
    --quick) trials=1 unchanged=2 percents=10 ;;
    *) echo "gate-power: unknown option $1 (see the comment at the top of this script)" >&2; exit 2 ;;
  esac
  shift
done
stages="scene raster effects"
counted=$(tools/gate-instructions.sh --print-binary)
tmp=$(mktemp -d)
hogs=()
stop_hogs() { for p in "${hogs[@]}"; do kill "$p" 2>/dev/null || true; done; hogs=(); }
trap 'stop_hogs; rm -rf "$tmp"' EXIT
# Same settings as tools/gate-instructions.sh and .ci/run.
icount=(--size 640x360 --richness rich --frames 3)
timed=(--size 640x360 --frames 300 --richness rich --threads 2)

echo "gate-power: counting the reference instructions" >&2
"$counted" bench instructions "${icount[@]}" --json "$tmp/instructions.json" > /dev/null 2>&1
if [ "$time_leg" = 1 ]; then
  swift build -c release >&2
  echo "gate-power: recording the reference frame times (median of 5 attempts)" >&2
  .build/release/photophore bench "${timed[@]}" --attempts 5 --median --json "$tmp/times.json" > /dev/null 2>&1
fi

# trial LEG PLANT INDEX → prints 1 when the gate failed (exit 3), 0 when it passed.
trial() {
  local leg=$1 plant=$2 i=$3 code=0 extra=()
  [ "$plant" = none ] || extra=(--plant-regression "$plant")
  if [ "$load" = 1 ] && [ $((i % 2)) = 1 ]; then
    for _ in $(seq "$(nproc)"); do (while :; do :; done) & hogs+=($!); done
  fi
  if [ "$leg" = instructions ]; then
    "$counted" bench instructions "${icount[@]}" --baseline "$tmp/instructions.json" "${extra[@]}" > "$tmp/out" 2>&1 || code=$?
  else
    .build/release/photophore bench "${timed[@]}" --baseline "$tmp/times.json" "${extra[@]}" > "$tmp/out" 2>&1 || code=$?
  fi
  stop_hogs
  case "$code" in
    0) echo 0 ;;
    3) echo 1 ;;
    *) echo "gate-power: the $leg gate exited with $code on plant $plant:" >&2; tail -3 "$tmp/out" >&2; exit 1 ;;
  esac
}

legs=(instructions)
[ "$time_leg" = 0 ] || legs+=(time)
rows=("none:$unchanged")
for s in $stages; do for p in $percents; do rows+=("$s:$p:$trials"); done; done

status=0
printf '| planted | trials |'; for leg in "${legs[@]}"; do printf ' %s gate failed |' "$leg"; done; echo
printf '|---|---|'; for _ in "${legs[@]}"; do printf -- '---|'; done; echo
for row in "${rows[@]}"; do
  n=${row##*:} plant=${row%:*}
  label=$([ "$plant" = none ] && echo "nothing (unchanged tree)" || echo "+${plant#*:}% in ${plant%%:*}")
  printf '| %s | %s |' "$label" "$n"
  for leg in "${legs[@]}"; do
    hits=0
    for i in $(seq "$n"); do
      echo "gate-power: $leg, $label, trial $i of $n" >&2
      hits=$((hits + $(trial "$leg" "$plant" "$i")))
    done
    pct=$((100 * hits / n))
    printf ' %s of %s (%s%%) |' "$hits" "$n" "$pct"
    # Targets: the instruction leg, which the gate relies on for small regressions.
    if [ "$leg" = instructions ]; then
      if [ "$plant" = none ] && [ $((100 * hits)) -gt $((5 * n)) ]; then status=1; fi
      if [ "${plant#*:}" = 10 ] && [ $((100 * hits)) -lt $((95 * n)) ]; then status=1; fi
    fi
  done
  echo
done
[ "$status" = 0 ] && echo "gate-power: targets met (+10% caught in at least 95% of trials, false alarms at most 5%)" \
  || echo "gate-power: targets missed (+10% caught in at least 95% of trials, false alarms at most 5%)"
exit "$status"
