#!/usr/bin/env bash
# The demo command: installs what is missing, builds Placer and its lab, links both as /usr/local/bin/placer and
# /usr/local/bin/placer-lab when it can, and runs `placer-lab demo` (pass --once, --workdir DIR, --interval 5s, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --product placer
swift build --product placer-lab
bin="$(swift build --product placer-lab --show-bin-path)"
if [ -w /usr/local/bin ]; then
    ln -sf "$bin/placer" /usr/local/bin/placer
    ln -sf "$bin/placer-lab" /usr/local/bin/placer-lab
fi
exec "$bin/placer-lab" demo "$@"
