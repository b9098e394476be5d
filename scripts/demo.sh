#!/usr/bin/env bash
# The demo command: installs what is missing, builds Placer, links it as /usr/local/bin/placer when it can,
# and runs `placer demo` (pass --once, --workdir DIR, --interval 5s, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --product placer
binary="$(swift build --product placer --show-bin-path)/placer"
if [ -w /usr/local/bin ]; then ln -sf "$binary" /usr/local/bin/placer; fi
exec "$binary" demo "$@"
