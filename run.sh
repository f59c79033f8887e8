#!/usr/bin/env bash
# Runs VeloConnect Contacts: the Aspire AppHost with its dashboard, PostgreSQL, Redis, the Orleans silo and the API.
#
#   ./run.sh                     installs what is missing, then starts everything (Ctrl+C stops it)
#   ./run.sh --Silo:Replicas=2   anything after the script name goes to the AppHost as configuration
#
# Containers are used when Docker or Podman answers; otherwise the locally installed postgres, redis-server and
# smtp4dev (a .NET tool in .tools/) run as plain processes, with their data in .data/ (kept across restarts). VeloConnect__Infrastructure=containers,
# local or auto (the default) forces the choice. Needs the .NET SDK; installs the rest with apt-get (as root or
# through sudo). test.sh sources this file for the install step.
set -euo pipefail

readonly POSTGRES_BIN=/usr/lib/postgresql/15/bin
# The browser the end-to-end browser tests launch (tests/VeloConnect.AppHost.Tests/Browser).
readonly CHROMIUM_BIN=/usr/bin/chromium
readonly DASHBOARD_URL=http://localhost:15080
# The development mail server when no container engine answers (MailPit's container otherwise).
readonly SMTP4DEV_VERSION=3.15.0

if [ -t 1 ]; then bold=$'\033[1m' red=$'\033[1;31m' plain=$'\033[0m'; else bold='' red='' plain=''; fi
say() { printf '%s==> %s%s\n' "$bold" "$*" "$plain"; }
die() { printf '%sError: %s%s\n' "$red" "$*" "$plain" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "'$*' needs root: run this script as root or install sudo."
    fi
}

container_engine_answers() {
    local engine
    for engine in docker podman; do
        if command -v "$engine" >/dev/null 2>&1 && timeout 5 "$engine" info >/dev/null 2>&1; then
            echo "$engine"
            return 0
        fi
    done
    return 1
}

# Installs what the AppHost (or, with "tests", the test suites) needs and is missing. The tests always need the
# local servers: they start throwaway PostgreSQL and Redis instances of their own; the browser tests need Chromium.
install_prerequisites() {
    local purpose=${1:-run} packages=() engine mode=${VeloConnect__Infrastructure:-auto}

    command -v dotnet >/dev/null 2>&1 \
        || die "the .NET SDK is not installed: install .NET SDK 10 (see global.json), then run this again."
    say "Using .NET SDK $(dotnet --version)"

    local need_local=yes
    if [ "$purpose" = run ]; then
        case "$mode" in
            containers) need_local=no ;;
            local) ;;
            auto)
                if engine=$(container_engine_answers); then
                    need_local=no
                    say "Container engine '$engine' answers: PostgreSQL and Redis will run as containers"
                else
                    say "No container engine answers: PostgreSQL and Redis will run from the locally installed binaries"
                fi ;;
            *) die "VeloConnect__Infrastructure is '$mode': use containers, local or auto." ;;
        esac
    fi

    if [ "$need_local" = yes ]; then
        if [ -x "$POSTGRES_BIN/postgres" ] && [ -x "$POSTGRES_BIN/initdb" ]; then
            say "PostgreSQL 15 server binaries found in $POSTGRES_BIN"
        else
            packages+=(postgresql-15)
        fi
        if command -v redis-server >/dev/null 2>&1; then
            say "redis-server found ($(command -v redis-server))"
        else
            packages+=(redis-server)
        fi
        command -v setpriv >/dev/null 2>&1 || packages+=(util-linux)
    fi

    # The browser tests drive Debian's Chromium through Playwright (Playwright's own browser download is not used).
    if [ "$purpose" = tests ]; then
        if [ -x "$CHROMIUM_BIN" ]; then
            say "Chromium found ($CHROMIUM_BIN)"
        else
            packages+=(chromium)
        fi
    fi

    if [ ${#packages[@]} -gt 0 ]; then
        command -v apt-get >/dev/null 2>&1 || die "missing ${packages[*]}, and there is no apt-get to install them with."
        say "Installing ${packages[*]} with apt-get (a minute at most)"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}"
        say "Installed ${packages[*]}"
    fi

    if [ "$need_local" = yes ]; then
        install_smtp4dev
    fi
}

# smtp4dev as a .NET tool in the repository's git-ignored .tools/, where the AppHost looks for it.
install_smtp4dev() {
    local tools
    tools="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/.tools"
    if [ -x "$tools/smtp4dev" ] && dotnet tool list --tool-path "$tools" 2>/dev/null | grep -qi "rnwood.smtp4dev *$SMTP4DEV_VERSION"; then
        say "smtp4dev $SMTP4DEV_VERSION found in .tools/"
        return
    fi
    say "Installing smtp4dev $SMTP4DEV_VERSION (the development mail server) into .tools/"
    dotnet tool update Rnwood.Smtp4dev --version "$SMTP4DEV_VERSION" --tool-path "$tools" >/dev/null \
        || die "could not install smtp4dev (dotnet tool install Rnwood.Smtp4dev --version $SMTP4DEV_VERSION --tool-path .tools)."
}

main() {
    cd "$(dirname "${BASH_SOURCE[0]}")"
    install_prerequisites run

    # Release builds, as users run it: the AppHost is built in Release with the projects it references, and starts them
    # (dotnet run --no-build) in its own configuration. The tests (test.sh) build and run Debug.
    say "Building (Release) and starting the AppHost (first build: about a minute)"
    say "Dashboard: $DASHBOARD_URL (no login needed); Ctrl+C stops everything"
    export ASPIRE_ALLOW_UNSECURED_TRANSPORT=true
    export ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true
    export DOTNET_NOLOGO=1
    exec dotnet run --configuration Release --project VeloConnect.AppHost --launch-profile http -- "$@"
}

# Sourced by test.sh for install_prerequisites only.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    main "$@"
fi
