#!/usr/bin/env bash
# Runs every test of VeloConnect Contacts: installs what is missing (as run.sh does: the tests start their own
# PostgreSQL 15 and redis-server processes, and the browser tests Debian's Chromium), builds the solution once, then
# runs all test projects, including the end-to-end tests that start the whole AppHost and drive the web frontend in
# Chromium. Exits non-zero when the build or any test fails, or when a process the tests started outlives them.
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

# Every process the tests start inherits VELO_TEST_RUN, and keeps its files (the servers' data directories, the AppHost's,
# Chromium's profile) in this run's temporary directory: after the run, nothing of either may be left.
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/velo-test-run.XXXXXX")
# PostgreSQL runs as the postgres user when we are root: it must reach its data directory inside.
chmod 755 "$run_dir"
log=$(mktemp)
trap 'rm -f "$log"; rm -rf "$run_dir"' EXIT

# The processes of this run: those whose environment carries its marker, and those whose working directory or command
# line is inside its temporary directory (PostgreSQL's children overwrite their environment with their titles, but work
# in their data directory). Three scans of /proc (the patterns in files, so that no scanner matches itself).
run_processes() {
    {
        find /proc/[0-9]*/cwd -maxdepth 0 -lname "$run_dir*" 2>/dev/null
        grep -slzxF -f <(printf 'VELO_TEST_RUN=%s\n' "$run_dir") /proc/[0-9]*/environ
        grep -slzF -f <(printf '%s\n' "$run_dir") /proc/[0-9]*/cmdline
    } | sed -n 's|^/proc/\([0-9]*\)/.*|\1|p' | sort -un | grep -vx "$$" || true
}

# Fails when processes of this run outlive it by more than a few seconds (servers' watchdogs and DCP stop theirs in
# well under that); lists them, then kills them so that they do not pile up on the machine.
check_nothing_left() {
    local left deadline=$((SECONDS + 20))
    while left=$(run_processes) && [ -n "$left" ] && [ "$SECONDS" -lt "$deadline" ]; do
        sleep 1
    done
    if [ -z "$left" ]; then
        say "No process of this test run is left"
        return 0
    fi

    printf '%sError: these processes started by this test run were still running 20 s after it ended (a test left them; killed now):%s\n' "$red" "$plain" >&2
    ps -o pid=,stat=,user=,args= -p "${left//$'\n'/,}" >&2 || true
    # shellcheck disable=SC2086
    kill -KILL $left 2>/dev/null || true
    return 1
}

say "Running the tests of every project"
set +e
# No MSBuild node outlives the run (they would carry VELO_TEST_RUN).
VELO_TEST_RUN=$run_dir TMPDIR=$run_dir MSBUILDDISABLENODEREUSE=1 dotnet test VeloConnect.sln --no-build --nologo "$@" 2>&1 | tee "$log"
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
if ! check_nothing_left && [ "$status" -eq 0 ]; then
    status=1
fi
exit "$status"
