#!/usr/bin/env bash
# End to end: `integrations list --json` of N Looker integrations against the standalone fake,
# against `curl` fetching the same list with a token, in the same run. Wall time and peak RSS of
# each process, ROUNDS times taken in turn (curl, then each binary), medians at the end.
#
#   crates/integrations-cli/benches/e2e.sh                       # N=10000, 7 rounds, target/release
#   N=1000 ROUNDS=3 crates/integrations-cli/benches/e2e.sh
#   crates/integrations-cli/benches/e2e.sh before=/tmp/old/integrations after=target/release/integrations
#   ARGS="list -q" crates/integrations-cli/benches/e2e.sh   # the CLI's arguments (default: list --json)
#
# Arguments: the binaries to measure, each `label=path` (default: this tree's release build,
# built first). The fake is this tree's `integrations-fake` (release), seeded with
# `--looker-synthetic N`. Output goes to /dev/null for every process. Peak RSS comes from
# `/usr/bin/time -f %M` when it exists, else from the last VmHWM read in /proc while the process
# runs (a lower bound). Needs curl and jq.
set -euo pipefail

N=${N:-10000}
ROUNDS=${ROUNDS:-7}
read -r -a args <<<"${ARGS:-list --json}"
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"

cargo build --release -q -p integrations-fake -p integrations-cli
fake_bin=target/release/integrations-fake
bins=("$@")
if [ ${#bins[@]} -eq 0 ]; then
    bins=("integrations=target/release/integrations")
fi

work=$(mktemp -d)
fake_pid=
cleanup() {
    if [ -n "$fake_pid" ]; then kill "$fake_pid" 2>/dev/null || true; wait "$fake_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

"$fake_bin" --looker-synthetic "$N" >"$work/fake.env" 2>"$work/fake.log" &
fake_pid=$!
for _ in $(seq 100); do
    grep -q '^LOOKERSDK_CLIENT_SECRET=' "$work/fake.env" 2>/dev/null && break
    sleep 0.1
done
# The variables the fake prints; only Looker's reach the CLI.
looker_env=()
while IFS='=' read -r name value; do
    case "$name" in LOOKERSDK_*) looker_env+=("$name=$value") ;; esac
    export "$name=$value"
done <"$work/fake.env"

token=$(curl -sf -d "client_id=$LOOKERSDK_CLIENT_ID" --data-urlencode "client_secret=$LOOKERSDK_CLIENT_SECRET" \
    "$LOOKERSDK_BASE_URL/api/4.0/login" | jq -r .access_token)
list_url="$LOOKERSDK_BASE_URL/api/4.0/integrations"

# measure LABEL COMMAND...: appends "LABEL WALL_US PEAK_KIB CPU_MS" to $work/results.
measure() {
    local label=$1
    shift
    local start end peak cpu=-1
    start=$(date +%s%N)
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f '%M %U %S' -o "$work/rss" "$@" >/dev/null
        read -r peak user sys < <(tail -n 1 "$work/rss")
        cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%d", (u + s) * 1000}')
    else
        "$@" >/dev/null &
        local pid=$! hwm=0 seen
        while kill -0 "$pid" 2>/dev/null; do
            seen=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
            [ -n "$seen" ] && hwm=$seen
            sleep 0.005
        done
        wait "$pid"
        peak=$hwm
    fi
    end=$(date +%s%N)
    echo "$label $(( (end - start) / 1000 )) $peak $cpu" >>"$work/results"
}

# A warm-up of each, not counted.
curl -sf -o /dev/null -H "Authorization: token $token" "$list_url"
for spec in "${bins[@]}"; do
    env -i PATH="$PATH" "${looker_env[@]}" "${spec#*=}" "${args[@]}" >/dev/null
done

for round in $(seq "$ROUNDS"); do
    measure curl curl -sf -H "Authorization: token $token" "$list_url"
    for spec in "${bins[@]}"; do
        measure "${spec%%=*}" env -i PATH="$PATH" "${looker_env[@]}" "${spec#*=}" "${args[@]}"
    done
    echo "round $round/$ROUNDS done" >&2
done

bytes=$(curl -sf -H "Authorization: token $token" "$list_url" | wc -c)
# column LABEL FIELD: the FIELD-th number (2: wall µs, 3: peak KiB, 4: CPU ms) of LABEL's runs,
# sorted.
column() { awk -v l="$1" -v f="$2" '$1 == l {print $f}' "$work/results" | sort -n; }
median() { awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
echo "integrations ${args[*]}: N=$N Looker integrations, $ROUNDS rounds; the vendor's answer is $bytes bytes"
printf '%-14s %10s %10s %12s %10s %12s %14s\n' what "median s" "min s" "median MiB" "max MiB" "÷ curl (s)" "CPU ms (user+sys)"
curl_median=$(column curl 2 | median)
for label in curl $(for spec in "${bins[@]}"; do echo "${spec%%=*}"; done); do
    t=$(column "$label" 2 | median)
    tmin=$(column "$label" 2 | head -n 1)
    m=$(column "$label" 3 | median)
    mmax=$(column "$label" 3 | tail -n 1)
    cpu=$(column "$label" 4 | median)
    awk -v l="$label" -v t="$t" -v tmin="$tmin" -v m="$m" -v mmax="$mmax" -v c="$curl_median" -v cpu="$cpu" \
        'BEGIN {printf "%-14s %10.3f %10.3f %12.1f %10.1f %12.2f %14s\n", l, t / 1e6, tmin / 1e6, m / 1024, mmax / 1024, t / c, (cpu < 0 ? "n/a" : cpu)}'
done
