#!/usr/bin/env bash
# Real-browser end-to-end tests of the recipient pages (Tests/browser/test_recipient_pages.py).
# Installs what is missing (Chromium, chromedriver, smtp-sink, selenium, pytest), then runs pytest
# from the repository root and exits with its status. Needs the binary built first
# (`swift build`; or set OUTREACH_BIN). Screenshots: test-artifacts/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PATH:/usr/sbin:/usr/lib/postfix/sbin"

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null; then SUDO="sudo"; fi

apt_packages=()
[ -x /usr/bin/chromium ] || apt_packages+=(chromium)
[ -x /usr/bin/chromedriver ] || apt_packages+=(chromium-driver)
command -v smtp-sink >/dev/null || apt_packages+=(postfix)
# Japanese, Korean and Chinese glyphs for the invitations' screenshots (without them: boxes).
[ -d /usr/share/fonts/opentype/noto ] && ls /usr/share/fonts/opentype/noto | grep -q CJK || apt_packages+=(fonts-noto-cjk)
# The mail quality test scores every template offline with SpamAssassin.
command -v spamassassin >/dev/null || apt_packages+=(spamassassin)
command -v python3 >/dev/null || apt_packages+=(python3)
if command -v python3 >/dev/null && ! python3 -m pip --version >/dev/null 2>&1 \
    && ! python3 -c 'import selenium, pytest' >/dev/null 2>&1; then
  apt_packages+=(python3-pip)
fi
if [ ${#apt_packages[@]} -gt 0 ]; then
  echo "run.sh: installing ${apt_packages[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${apt_packages[@]}" >/dev/null
fi

python_packages=()
python3 -c 'import selenium' >/dev/null 2>&1 || python_packages+=(selenium)
python3 -c 'import pytest' >/dev/null 2>&1 || python_packages+=(pytest)
# axe-core (3.1.1) for the accessibility checks of the sign-up pages and of every template's HTML.
python3 -c 'import axe_selenium_python' >/dev/null 2>&1 || python_packages+=(axe-selenium-python)
if [ ${#python_packages[@]} -gt 0 ]; then
  echo "run.sh: pip installing ${python_packages[*]}" >&2
  log=$(mktemp)
  if ! python3 -m pip install -q "${python_packages[@]}" 2>"$log"; then
    if grep -q externally-managed-environment "$log"; then
      python3 -m pip install -q --break-system-packages "${python_packages[@]}"
    else
      cat "$log" >&2
      rm -f "$log"
      exit 1
    fi
  fi
  rm -f "$log"
fi

mkdir -p test-artifacts/screenshots
set +e
python3 -m pytest -q Tests/browser "$@"
status=$?
set -e
exit $status
