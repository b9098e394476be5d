#!/usr/bin/env bash
# Installs what Placer needs to build and test on a Debian machine with Swift 6 (run as root or with sudo).
# Idempotent: installs only what is missing, and runs `apt-get update` at most once.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
pkg-config --exists libgit2 2>/dev/null || missing+=(libgit2-dev)
pkg-config --exists cbc 2>/dev/null || missing+=(coinor-libcbc-dev)
command -v pkg-config >/dev/null || missing+=(pkg-config)
[ -x /usr/lib/git-core/git-daemon ] || missing+=(git)
command -v kubectl >/dev/null || missing+=(kubectl)
# Real servers the tests start on 127.0.0.1: sshd (ssh:// remotes), nginx + fcgiwrap in front of
# git-http-backend (https:// remotes), Prometheus (telemetry). Nothing here starts them.
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
[ -x /usr/sbin/fcgiwrap ] || missing+=(fcgiwrap)
[ -x /usr/bin/prometheus ] || missing+=(prometheus)
# The HTTPS git server's CA and certificates, and htpasswd entries, are made with the openssl CLI.
command -v openssl >/dev/null || missing+=(openssl)
# The console's browser suite (tests-py/console): Debian's Chromium and its WebDriver, installed together so apt
# gives both the same version; Selenium is pointed at these paths and downloads no browser or driver.
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)

# PyYAML is the independent YAML 1.1 reader the YAML tests compare against (they skip, saying so, without it).
python3 -c "import yaml" 2>/dev/null || python3 -m pip install -q pyyaml 2>/dev/null \
    || echo "setup: PyYAML not installable; the PyYAML comparison tests will be skipped"

if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    $SUDO apt-get update -qq
    for package in "${missing[@]}"; do
        if [ "$package" = kubectl ]; then
            # kubectl is preinstalled on this machine kind; Debian's own package is the fallback.
            $SUDO apt-get install -y -qq kubectl >/dev/null 2>&1 \
                || $SUDO apt-get install -y -qq kubernetes-client >/dev/null 2>&1 \
                || echo "setup: kubectl not installable; kubectl tests will be skipped"
        else
            $SUDO apt-get install -y -qq "$package" >/dev/null
        fi
    done
fi

# The test venv: .venv/ at the project root (git-ignored), with scripts/requirements-test.txt. Swift tests that
# need a Python oracle run `.venv/bin/python`; the Python suites under tests-py/ run with `.venv/bin/pytest`.
# Reinstalled only when the requirements file changed.
python3 -m venv --help >/dev/null 2>&1 || $SUDO apt-get install -y -qq python3-venv >/dev/null
[ -x .venv/bin/python ] || python3 -m venv .venv
if ! cmp -s scripts/requirements-test.txt .venv/requirements-installed.txt; then
    .venv/bin/pip install -q --disable-pip-version-check -r scripts/requirements-test.txt
    cp scripts/requirements-test.txt .venv/requirements-installed.txt
fi
