#!/usr/bin/env bash
# Runs every libFuzzer target (Fuzz/Targets) for a fixed time each (issue 13, item 10).
#   scripts/fuzz.sh [seconds per target, default 30] [target ...]
# Builds EphemFuzz with -sanitize=fuzzer,address into .build-fuzz (its own build directory, so the
# ordinary .build is untouched). Each target starts from the committed seeds in Fuzz/corpus/<target>
# and writes what it learns to a scratch copy, so the tree stays clean. A crash leaves
# Fuzz/crashes/<target>/crash-*; the script then exits 1 (make it a unit test, then delete it).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"; shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(json jwt invocation issue-body query client-address table-filter graph-filter)
EPHEMGATE_FUZZ=1 swift build -c debug --build-path .build-fuzz --product EphemFuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library >&2
binary="$(EPHEMGATE_FUZZ=1 swift build -c debug --build-path .build-fuzz --show-bin-path)/EphemFuzz"
scratch="$(mktemp -d)"; trap 'rm -rf "$scratch"' EXIT
failed=0
for target in "${targets[@]}"; do
  mkdir -p "$scratch/$target" "Fuzz/crashes/$target"
  echo "== $target: ${seconds}s" >&2
  # -rss_limit_mb / -timeout: a slow or memory-hungry input is a finding too.
  if ! "$binary" "$target" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=16384 \
       -artifact_prefix="Fuzz/crashes/$target/" -print_final_stats=1 \
       "$scratch/$target" "Fuzz/corpus/$target" 2> "$scratch/$target.log"; then
    failed=1
    tail -40 "$scratch/$target.log" >&2
  else
    grep -E "^(stat::number_of_executed_units|stat::new_units_added|#[0-9]+ +DONE)" "$scratch/$target.log" | sed "s/^/$target: /" >&2 || true
  fi
  rmdir "Fuzz/crashes/$target" 2>/dev/null || true
done
rmdir Fuzz/crashes 2>/dev/null || true
exit "$failed"
