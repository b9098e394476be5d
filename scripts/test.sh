#!/usr/bin/env bash
# The test command: installs what is missing, lints the formatting, builds, smoke-tests the binaries (placer validate and the
# placer-lab demo, the README's promises), then runs every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Lint first: the tree is formatted with the checked-in .swift-format (`swift format format --in-place
# --recursive Sources Tests Package.swift`), and any drift fails the run.
swift format lint --strict --recursive --parallel Sources Tests Package.swift
swift build --build-tests
swift build --product placer
swift build --product placer-lab
bin="$(swift build --show-bin-path)"
"$bin/placer" validate example-repo
demo_dir="$(mktemp -d)"
trap 'rm -rf "$demo_dir"' EXIT
"$bin/placer-lab" demo --once --workdir "$demo_dir" --log-level warning
test -f "$demo_dir/app-repo.git/HEAD"
# Serial: the lease, retry and two-replica failover tests measure seconds, and on 2 cores a parallel run
# starves them (about 65 s in all this way).
swift test --skip-build --no-parallel "$@"
# Coverage-guided fuzzing of the YAML loader, the CodecoApp parser, the kubeconfig reader and the webhook payload
# parser (libFuzzer through -sanitize=fuzzer; its own build in .build-fuzz/, so the build above is untouched):
# 60 s per target, failing on any crash, hang or invariant violation (docs/benchmarks.md, "Fuzzing").
scripts/fuzz.sh "${PLACER_FUZZ_SECONDS:-60}"
# The console in a real browser: the demo from the binaries built above, Debian's chromium through chromedriver,
# axe-core (tests-py/console). After the Swift tests, which measure seconds and would starve beside Chromium.
PLACER_BIN_DIR="$bin" .venv/bin/pytest -q tests-py/console
