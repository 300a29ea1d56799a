#!/usr/bin/env bash
# The Debian packages the tests use from the machine, installed when they
# are missing (make test runs this first; CI starts on a fresh machine):
#   chromium        the HTML report's browser test (driven by chromedp)
#   libxml2-utils   xmllint, which holds the JUnit XML to reports/junit.xsd
#   fonts-dejavu-core  the glyphs the report's page uses (✓ ✗), for its screenshot
# Nothing is downloaded but these packages; no browser build of its own.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v xmllint >/dev/null 2>&1 || need+=(libxml2-utils)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
[ ${#need[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo="sudo -n"
	else
		echo "test-deps: ${need[*]} missing and no root to install them; the tests that need them are skipped (outside CI)" >&2
		exit 0
	fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "test-deps: ${need[*]} missing and no apt-get; install them by hand (outside CI the tests that need them are skipped)" >&2
	exit 0
fi
echo "test-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${need[@]}" >/dev/null
