#!/usr/bin/env bash
# Runs every test of VeloConnect Contacts: installs what is missing (as run.sh does: the tests start their own
# PostgreSQL 15 and redis-server processes, and the browser tests Debian's Chromium), builds the solution once, then
# runs all test projects, including the end-to-end tests that start the whole AppHost and drive the web frontend in
# Chromium. Exits non-zero when the build or any test fails.
#
#   ./test.sh                                   everything
#   ./test.sh --filter 'FullyQualifiedName~AppHost'   extra arguments go to 'dotnet test'
#   ./test.sh --filter 'FullyQualifiedName~Browser'   the browser tests only; their screenshots go to
#                                               tests/VeloConnect.AppHost.Tests/bin/*/TestResults/screenshots (or $VELO_SCREENSHOTS)
#   VELO_DOCS_SCREENSHOTS=docs/screenshots ./test.sh --filter 'FullyQualifiedName~DocsScreenshots'
#                                               one full-page screenshot per page of the web frontend
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# shellcheck source=run.sh
source ./run.sh
install_prerequisites tests
export DOTNET_NOLOGO=1

say "Building VeloConnect.sln"
dotnet build VeloConnect.sln --nologo

# Screenshot folders may be given relative to here: the tests run in their output folder.
for variable in VELO_SCREENSHOTS VELO_DOCS_SCREENSHOTS; do
    if [ -n "${!variable:-}" ]; then
        export "$variable=$(realpath -m "${!variable}")"
    fi
done

say "Running the tests of every project"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test VeloConnect.sln --no-build --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One closing line over all projects, e.g. "tests: 364 passed, 0 failed, 0 skipped".
awk '
    /(Passed|Failed)! +- +Failed: / {
        gsub(/,/, "")
        for (i = 1; i <= NF; i++) {
            if ($i == "Failed:") failed += $(i + 1)
            if ($i == "Passed:") passed += $(i + 1)
            if ($i == "Skipped:") skipped += $(i + 1)
        }
    }
    END { printf "tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped }
' "$log"

if [ "$status" -ne 0 ]; then
    say "dotnet test failed (exit code $status)"
fi
exit "$status"
