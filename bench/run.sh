#!/usr/bin/env bash
# Performance benchmark of camguard (issue 6).
#
#   bench/run.sh                    small, medium and large trees (seed 42), sparse profile
#   bench/run.sh --quick            small tree only
#   bench/run.sh --profile dense    finding-dense trees (bench/tree-dense-SIZE: 90% of the
#                                   configuration files insecure with 2-6 injections, plus
#                                   real insecure-by-design configurations)
#   bench/run.sh --format sarif     report format camguard writes (default json)
#
# Needs: cargo, python3 (3.11), hyperfine (apt-get install -y hyperfine),
# GNU time for peak RSS (apt-get install -y time), and network access to PyPI the first
# time (semgrep is installed into bench/.venv). Results: bench/results/*.json (hyperfine
# exports), bench/results/*.rss.txt (/usr/bin/time -v), bench/results/summary.md
# (bench/results/dense/ for --profile dense).
#
# Environment: CARGO_TARGET_DIR (default ./target), NICE (default "nice"; set NICE= to
# build and run at normal priority), RUNS_SMALL/RUNS_MEDIUM/RUNS_LARGE (hyperfine runs
# for camguard and parse_only; defaults 10/5/3), SEMGREP_RUNS_SMALL/MEDIUM/LARGE
# (defaults 3/2/1).
set -euo pipefail

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; }

QUICK=0
PROFILE=sparse
FORMAT=json
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --profile) PROFILE="${2:?--profile needs sparse or dense}"; shift ;;
    --profile=*) PROFILE="${1#--profile=}" ;;
    --format) FORMAT="${2:?--format needs a format}"; shift ;;
    --format=*) FORMAT="${1#--format=}" ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
case "$PROFILE" in
  sparse) TREE_PREFIX=bench/tree- ;;
  dense) TREE_PREFIX=bench/tree-dense- ;;
  *) echo "run.sh: unknown profile: $PROFILE (sparse or dense)" >&2; exit 2 ;;
esac
case "$FORMAT" in
  json|sarif|human) ;;
  *) echo "run.sh: unknown format: $FORMAT (json, sarif or human)" >&2; exit 2 ;;
esac

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
NICE="${NICE-nice}"
SEED=42
RESULTS=bench/results
[ "$PROFILE" = sparse ] || RESULTS="bench/results/$PROFILE"
mkdir -p "$RESULTS"
if [ "$QUICK" = 1 ]; then SIZES=(small); else SIZES=(small medium large); fi
declare -A RUNS=([small]="${RUNS_SMALL:-10}" [medium]="${RUNS_MEDIUM:-5}" [large]="${RUNS_LARGE:-3}")
declare -A SG_RUNS=([small]="${SEMGREP_RUNS_SMALL:-3}" [medium]="${SEMGREP_RUNS_MEDIUM:-2}" [large]="${SEMGREP_RUNS_LARGE:-1}")

# ---- tools -------------------------------------------------------------------------
if ! command -v hyperfine >/dev/null 2>&1; then
  echo "run.sh: hyperfine is missing; install it with: apt-get install -y hyperfine (or: cargo install hyperfine)" >&2
  exit 1
fi
HAVE_TIME=1
if [ ! -x /usr/bin/time ] || ! /usr/bin/time -v true >/dev/null 2>&1; then
  echo "run.sh: GNU time (/usr/bin/time -v) is missing; install it with: apt-get install -y time. Peak RSS is skipped." >&2
  HAVE_TIME=0
fi

echo "== building (profile dist: the published binaries)"
if [ -f examples/parse_only.rs ]; then
  $NICE cargo build --profile dist --bin camguard --example parse_only
  PARSE_ONLY="$CARGO_TARGET_DIR/dist/examples/parse_only"
else
  echo "examples/parse_only.rs does not exist on this branch: parse-only measurements are skipped"
  $NICE cargo build --profile dist --bin camguard
  PARSE_ONLY=""
fi
CAMGUARD="$CARGO_TARGET_DIR/dist/camguard"

SEMGREP="bench/.venv/bin/semgrep"
if [ ! -x "$SEMGREP" ]; then
  echo "== installing semgrep into bench/.venv (PyPI)"
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install --quiet semgrep
fi
export SEMGREP_ENABLE_VERSION_CHECK=0 SEMGREP_SEND_METRICS=off
# Same files as camguard: no .gitignore filtering (bench/tree* is git-ignored), no size
# cap (Helm values are ~230 KB; the default cap is 1 MB anyway), no per-rule timeout.
SEMGREP_ARGS=(scan --metrics=off --disable-version-check --no-git-ignore --max-target-bytes 0
              --timeout 0 --config bench/semgrep --json -q)

# ---- trees ---------------------------------------------------------------------------
for s in "${SIZES[@]}"; do
  tree="$TREE_PREFIX$s"
  manifest="$TREE_PREFIX$s.manifest.json"
  if [ ! -d "$tree" ] || [ ! -f "$manifest" ] || [ bench/generate.py -nt "$manifest" ]; then
    echo "== generating $tree"
    python3 bench/generate.py --profile "$PROFILE" --size "$s" --seed "$SEED" --out "$tree"
  fi
done

json_get() { # file python-expression-over-d
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
median() { json_get "$1" 'd["results"][0]["median"]'; }

declare -A FILES BYTES T_CHECK T_PARSE T_SG RSS SG_RESULTS CG_FINDINGS

# ---- per tree ------------------------------------------------------------------------
for s in "${SIZES[@]}"; do
  tree="$TREE_PREFIX$s"
  manifest="$TREE_PREFIX$s.manifest.json"
  FILES[$s]=$(json_get "$manifest" 'd["files"]')
  BYTES[$s]=$(json_get "$manifest" 'd["bytes"]')
  echo "== $tree: ${FILES[$s]} files, ${BYTES[$s]} bytes"

  "$CAMGUARD" check "$tree" --format json --exit-zero > "$RESULTS/camguard-$s.findings.json"
  CG_FINDINGS[$s]=$(json_get "$RESULTS/camguard-$s.findings.json" 'd["summary"]["findings"]')

  hyperfine -N --warmup 1 --runs "${RUNS[$s]}" --export-json "$RESULTS/camguard-check-$s.json" \
    -n "camguard check $s" "$CAMGUARD check $tree --format $FORMAT --exit-zero"
  T_CHECK[$s]=$(median "$RESULTS/camguard-check-$s.json")

  if [ -n "$PARSE_ONLY" ]; then
    hyperfine -N --warmup 1 --runs "${RUNS[$s]}" --export-json "$RESULTS/parse-only-$s.json" \
      -n "parse_only $s" "$PARSE_ONLY $tree"
    T_PARSE[$s]=$(median "$RESULTS/parse-only-$s.json")
  fi

  if [ "$HAVE_TIME" = 1 ]; then
    /usr/bin/time -v "$CAMGUARD" check "$tree" --format "$FORMAT" --exit-zero \
      > /dev/null 2> "$RESULTS/camguard-check-$s.rss.txt"
    RSS[$s]=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$RESULTS/camguard-check-$s.rss.txt")
  fi

  "$SEMGREP" "${SEMGREP_ARGS[@]}" "$tree" > "$RESULTS/semgrep-$s.findings.json" || true
  SG_RESULTS[$s]=$(json_get "$RESULTS/semgrep-$s.findings.json" \
    'str(len(d["results"])) + " results, " + str(len(d["paths"]["scanned"])) + " files scanned, " + str(len(d["errors"])) + " errors"')
  python3 - "$manifest" "$RESULTS/semgrep-$s.findings.json" "$tree" <<'EOF'
import json, sys
m, d, tree = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
missed = sorted(set(f"{tree}/{p}" for p in m["configuration_files"]) - set(d["paths"]["scanned"]))
if missed:
    print(f"WARNING: semgrep did not scan {len(missed)} configuration files, e.g. {missed[0]}")
EOF
  sg_warmup=1
  [ "$s" = large ] && sg_warmup=0  # one semgrep run on the large tree takes minutes
  hyperfine --warmup "$sg_warmup" --runs "${SG_RUNS[$s]}" --export-json "$RESULTS/semgrep-$s.json" \
    -n "semgrep $s" "$SEMGREP ${SEMGREP_ARGS[*]} $tree > /dev/null"
  T_SG[$s]=$(median "$RESULTS/semgrep-$s.json")
done

# ---- thread scaling (large tree; the largest measured tree with --quick) ---------------
BIG="${SIZES[-1]}"
hyperfine -N --warmup 1 --runs "${RUNS[$BIG]}" --export-json "$RESULTS/threads-$BIG.json" \
  -n "RAYON_NUM_THREADS=1" "env RAYON_NUM_THREADS=1 $CAMGUARD check $TREE_PREFIX$BIG --format $FORMAT --exit-zero" \
  -n "default threads" "$CAMGUARD check $TREE_PREFIX$BIG --format $FORMAT --exit-zero"
T_1=$(json_get "$RESULTS/threads-$BIG.json" 'd["results"][0]["median"]')
T_N=$(json_get "$RESULTS/threads-$BIG.json" 'd["results"][1]["median"]')

# ---- single-file latency --------------------------------------------------------------
ONE=$(python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
files = [p for p in m["configuration_files"] if p.endswith("/config/application.yaml")] or \
        [p for p in m["configuration_files"] if p.endswith("application.yaml")]
print(sys.argv[2] + "/" + files[0])' "${TREE_PREFIX}small.manifest.json" "${TREE_PREFIX}small")
echo "== single file: $ONE ($(wc -c < "$ONE") bytes)"
hyperfine -N --warmup 3 --runs 30 --export-json "$RESULTS/single-file-camguard.json" \
  -n "camguard check one file" "$CAMGUARD check $ONE --format $FORMAT --exit-zero"
hyperfine --warmup 1 --runs 5 --export-json "$RESULTS/single-file-semgrep.json" \
  -n "semgrep one file" "$SEMGREP ${SEMGREP_ARGS[*]} $ONE > /dev/null"
T_ONE_CG=$(median "$RESULTS/single-file-camguard.json")
T_ONE_SG=$(median "$RESULTS/single-file-semgrep.json")

# ---- summary -------------------------------------------------------------------------
{
  echo "## camguard benchmark ($(date -u +%Y-%m-%d), seed $SEED, profile $PROFILE, --format $FORMAT$([ "$QUICK" = 1 ] && echo ', --quick'))"
  echo
  echo "- machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM"
  echo "- camguard $("$CAMGUARD" --version 2>/dev/null | awk '{print $NF}') ($(git rev-parse --short HEAD 2>/dev/null || echo '?')), semgrep $("$SEMGREP" --version 2>/dev/null), $(hyperfine --version)"
  echo "- medians of hyperfine runs (camguard/parse_only: ${RUNS[small]}/${RUNS[medium]}/${RUNS[large]} runs for small/medium/large; semgrep: ${SG_RUNS[small]}/${SG_RUNS[medium]}/${SG_RUNS[large]})"
  echo
  echo "| tree | files | MB | camguard findings | camguard check (s) | parse only (s) | e2e / parse-only throughput | semgrep (s) | semgrep / camguard | camguard MB/s | camguard files/s | peak RSS (MB) | semgrep |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  for s in "${SIZES[@]}"; do
    python3 - "$s" "${FILES[$s]}" "${BYTES[$s]}" "${CG_FINDINGS[$s]}" "${T_CHECK[$s]}" "${T_PARSE[$s]:-}" \
      "${T_SG[$s]}" "${RSS[$s]:-}" "${SG_RESULTS[$s]}" <<'EOF'
import sys
s, files, size, findings, check, parse, sg, rss, sgres = sys.argv[1:]
files, size, check, sg = int(files), int(size), float(check), float(sg)
mb = size / 1e6
p = f"{float(parse):.3f}" if parse else "n/a"
ratio = f"{float(parse) / check:.0%}" if parse else "n/a"
r = f"{int(rss) / 1024:.1f}" if rss else "n/a"
print(f"| {s} | {files} | {mb:.1f} | {findings} | {check:.3f} | {p} | {ratio} | {sg:.2f} | {sg / check:.1f}x | {mb / check:.1f} | {files / check:.0f} | {r} | {sgres} |")
EOF
  done
  echo
  python3 - "$BIG" "$T_1" "$T_N" "$(nproc)" <<'EOF'
import sys
big, t1, tn, n = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
print(f"Thread scaling, {big} tree: RAYON_NUM_THREADS=1 {t1:.3f} s, default ({n} CPUs) {tn:.3f} s, speedup {t1 / tn:.2f}x")
EOF
  echo
  python3 - "$ONE" "$T_ONE_CG" "$T_ONE_SG" <<'EOF'
import sys
one, cg, sg = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
print(f"Single file ({one}): camguard {cg * 1000:.1f} ms, semgrep {sg * 1000:.0f} ms ({sg / cg:.0f}x)")
EOF
} | tee "$RESULTS/summary.md"
