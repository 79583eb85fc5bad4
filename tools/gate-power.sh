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
# the instruction counts do not move with the load. --binary PATH measures that photophore
# binary for both legs instead of building them (tools/gate-instructions.sh's x86-64-v3 build
# for the instruction leg, the default release build for the time leg).
#
# Every trial must give a verdict: the gate passing (exit 0) or failing (exit 3). A trial
# that exits otherwise (a crash, a refused baseline) stops the script with exit 1 and one
# line naming the trial, after the tail of what the gate printed; so does a reference that
# cannot be measured. A table of trials that did not run is never reported as met.
#
# usage: gate-power.sh [--trials N] [--unchanged M] [--percents "5 10 20"] [--time] [--load] [--binary PATH]
#        gate-power.sh --quick      # CI: 2 unchanged trials and one +10% trial per stage
set -euo pipefail
caller=$PWD
cd "$(dirname "$0")/.."
trials=10 unchanged=20 percents="5 10 20" time_leg=0 load=0 binary=
while (($#)); do
  case "$1" in
    --trials) trials=$2; shift ;;
    --unchanged) unchanged=$2; shift ;;
    --percents) percents=$2; shift ;;
    --time) time_leg=1 ;;
    --load) load=1 ;;
    --quick) trials=1 unchanged=2 percents=10 ;;
    --binary) [ $# -ge 2 ] || { echo "gate-power: --binary needs the path of a photophore binary" >&2; exit 2; }
      binary=$2; [[ "$binary" == /* ]] || binary=$caller/$binary; shift ;;
    *) echo "gate-power: unknown option $1 (see the comment at the top of this script)" >&2; exit 2 ;;
  esac
  shift
done
stages="scene raster effects"
if [ -n "$binary" ]; then
  [ -x "$binary" ] || { echo "gate-power: --binary $binary: not an executable file; give the path of a photophore binary" >&2; exit 2; }
  counted=$binary timed_bin=$binary
else
  counted=$(tools/gate-instructions.sh --print-binary)
  timed_bin=.build/release/photophore
fi
tmp=$(mktemp -d)
hogs=()
stop_hogs() { for p in "${hogs[@]}"; do kill "$p" 2>/dev/null || true; done; hogs=(); }
trap 'stop_hogs; rm -rf "$tmp"' EXIT
# Same settings as tools/gate-instructions.sh and tools/update-baseline.sh.
icount=(--size 640x360 --richness rich --frames 3)
timed=(--size 640x360 --frames 300 --richness rich --threads 2)

# reference WHAT COMMAND...: runs a reference measurement; stops the script when it fails.
reference() {
  local what=$1 code=0
  shift
  "$@" > "$tmp/out" 2>&1 || code=$?
  if [ "$code" != 0 ]; then
    tail -3 "$tmp/out" >&2
    echo "gate-power: $what with $1 exited with $code (its last lines are above), so no trial can be judged; fix that first" >&2
    exit 1
  fi
}
echo "gate-power: counting the reference instructions" >&2
reference "counting the reference instructions" "$counted" bench instructions "${icount[@]}" --json "$tmp/instructions.json"
if [ "$time_leg" = 1 ]; then
  [ -n "$binary" ] || swift build -c release >&2
  echo "gate-power: recording the reference frame times (median of 5 attempts)" >&2
  reference "recording the reference frame times" "$timed_bin" bench "${timed[@]}" --attempts 5 --median --json "$tmp/times.json"
fi

# trial LEG PLANT INDEX → prints 1 when the gate failed (exit 3), 0 when it passed; any other
# exit of the gate is no verdict: the tail of its output and one line on stderr, and status 1.
trial() {
  local leg=$1 plant=$2 i=$3 code=0 extra=()
  [ "$plant" = none ] || extra=(--plant-regression "$plant")
  if [ "$load" = 1 ] && [ $((i % 2)) = 1 ]; then
    for _ in $(seq "$(nproc)"); do (while :; do :; done) & hogs+=($!); done
  fi
  if [ "$leg" = instructions ]; then
    "$counted" bench instructions "${icount[@]}" --baseline "$tmp/instructions.json" "${extra[@]}" > "$tmp/out" 2>&1 || code=$?
  else
    "$timed_bin" bench "${timed[@]}" --baseline "$tmp/times.json" "${extra[@]}" > "$tmp/out" 2>&1 || code=$?
  fi
  stop_hogs
  case "$code" in
    0) echo 0 ;;
    3) echo 1 ;;
    *) tail -3 "$tmp/out" >&2
       echo "gate-power: the $leg gate exited with $code on plant $plant, trial $i, without a verdict (0 pass, 3 fail; its last lines are above): the table cannot be trusted, fix the gate first" >&2
       return 1 ;;
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
      # A failed trial prints nothing: stop here rather than count it as anything.
      verdict=$(trial "$leg" "$plant" "$i") || { echo; exit 1; }
      case "$verdict" in 0|1) hits=$((hits + verdict)) ;; *) echo "gate-power: trial $i of $leg, $label gave no verdict ('$verdict')" >&2; exit 1 ;; esac
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
