#!/usr/bin/env bash
# Coverage-guided fuzzing of Placer's parsers with libFuzzer (Swift's -sanitize=fuzzer, Linux).
#
#   scripts/fuzz.sh [seconds per target] [target...]     default: 60 s, every target (yaml codecoapp kubeconfig webhook)
#
# Builds placer-fuzz into .build-fuzz/ (its own scratch path, so the ordinary build is untouched), seeds each target
# from the repo (example-repo, fuzz/regressions, fuzz/seeds) and ../shared/corpus when present, and runs libFuzzer
# with a per-input timeout of 30 s (set when the node-tree YAML loader, instrumented debug, took about 11 s to refuse
# the billion-laughs regression input). Any crash, hang or invariant violation fails the script and leaves the input
# in .build-fuzz/findings/<target>/ (copy it to fuzz/regressions/<target>/ once fixed). The new corpus each run
# grows is kept in .build-fuzz/corpus/<target>/ for the next run. Inputs slower than libFuzzer's 10 s report threshold
# but under the timeout (`slow-unit-*`) are listed and counted apart: they are not hangs by that definition, and
# failing on them made CI depend on what a 60 s run happens to meet (the kubeconfig slow units in docs/benchmarks.md).
# Prints one summary line per target:
# `fuzz <target>: <execs> execs (<n>/s) in <s> s, cov <edges>, ft <features>, corpus <n>, findings <n>,
# slow units <n>, exit <code>`.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(yaml codecoapp kubeconfig webhook)
scratch=.build-fuzz
config="${PLACER_FUZZ_CONFIG:-debug}"
swift build -c "$config" --scratch-path "$scratch" --product placer-fuzz \
    -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library -Xswiftc -DPLACER_LIBFUZZER
bin="$(swift build -c "$config" --scratch-path "$scratch" --show-bin-path)/placer-fuzz"

seed() { # target folder: copies the target's seed files, flat
    local target=$1 out=$2
    mkdir -p "$out"
    case "$target" in
    yaml | codecoapp)
        find example-repo -name '*.yaml' -print0 | xargs -0 -I{} sh -c 'cp "$1" "$2/ex-$(echo "$1" | tr / _)"' _ {} "$out"
        if [ -d ../shared/corpus ]; then
            find ../shared/corpus \( -name '*.yaml' -o -name '*.yml' \) -size -64k -print0 | head -z -n 400 |
                xargs -0 -I{} sh -c 'cp "$1" "$2/corpus-$(echo "$1" | md5sum | cut -c1-12).yaml"' _ {} "$out"
        fi
        ;;
    esac
    for dir in "fuzz/seeds/$target" "fuzz/regressions/$target"; do
        [ -d "$dir" ] && cp "$dir"/* "$out"/ 2>/dev/null || true
    done
}

status=0
for target in "${targets[@]}"; do
    corpus="$scratch/corpus/$target"
    seeds="$scratch/seeds/$target"
    findings="$scratch/findings/$target"
    rm -rf "$seeds"
    seed "$target" "$seeds"
    mkdir -p "$corpus" "$findings"
    log="$scratch/fuzz-$target.log"
    set +e
    PLACER_FUZZ_TARGET="$target" "$bin" "$corpus" "$seeds" \
        -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -max_len=65536 \
        -dict=fuzz/dictionaries/"$target".dict -artifact_prefix="$findings/" -print_final_stats=1 >"$log" 2>&1
    code=$?
    set -e
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    secs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2 || true)
    ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | cut -d' ' -f2 || true)
    crashes=$(find "$findings" -type f ! -name 'slow-unit-*' | wc -l)
    slow=$(find "$findings" -type f -name 'slow-unit-*' | wc -l)
    echo "fuzz $target: ${execs:-0} execs (${secs:-0}/s) in ${seconds} s, cov ${cov:-?}, ft ${ft:-?}," \
        "corpus $(find "$corpus" -type f | wc -l), findings $crashes, slow units $slow, exit $code"
    if [ "$slow" -ne 0 ]; then find "$findings" -type f -name 'slow-unit-*'; fi
    if [ "$code" -ne 0 ] || [ "$crashes" -ne 0 ]; then
        status=1
        grep -E 'ERROR|invariant violated|Fatal error|timeout' "$log" | head -5 || true
        ls "$findings"
    fi
done
exit $status
