#!/usr/bin/env bash
# The test command: installs what is missing, builds, smoke-tests the placer binary (validate and the demo,
# the README's promises), then runs every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests
swift build --product placer
placer="$(swift build --show-bin-path)/placer"
"$placer" validate example-repo
demo_dir="$(mktemp -d)"
trap 'rm -rf "$demo_dir"' EXIT
"$placer" demo --once --workdir "$demo_dir" --log-level warning
test -f "$demo_dir/app-repo.git/HEAD"
# Serial: the lease, retry and two-replica failover tests measure seconds, and on 2 cores a parallel run
# starves them (about 65 s in all this way).
swift test --skip-build --no-parallel "$@"
