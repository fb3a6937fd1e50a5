#!/usr/bin/env bash
# Lendable on one machine: a market, a lender agent with two lendable partitions registered,
# and a borrower, all over real TLS on localhost and pinned to each other.
#   scripts/demo.sh              opens the three desktop apps (needs a display)
#   scripts/demo.sh --headless   runs the whole flow from the command-line tools and prints each step
# `make demo` (or `make demo HEADLESS=1`) builds everything first.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/build/bin"
state="${LENDABLE_DEMO_DIR:-/var/tmp/lendable-demo}"
image="${LENDABLE_IMAGE_CACHE:-/var/tmp/lendable-cache}/busybox"
market_addr=127.0.0.1:7400
lender_addr=127.0.0.1:7401
headless=0
[ "${1:-}" = "--headless" ] && headless=1
if [ $headless -eq 0 ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "demo: no display; running the headless demo instead (the same flow from the command line)."
    headless=1
fi

json_field() { sed -n "s/.*\"$1\": *\"\([^\"]*\)\".*/\1/p" | head -n 1; } # first "key": "value"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
die() { echo "demo: $*" >&2; exit 1; }

for app in market-manager lender-console borrower-client; do
    [ -x "$bin/$app" ] || die "$bin/$app is missing: run 'make build' first"
done

step "Preparing the busybox OS image and the libvirt daemon"
if [ ! -f "$image/image.json" ]; then
    "$root/installer/os-images/build-busybox-image.sh" "$image"
else
    echo "image: $image (cached)"
fi
"$root/scripts/libvirt-up.sh"

# A fresh demo each time; QEMU (user libvirt-qemu) must be able to traverse to the lender's files.
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM
rm -rf "$state"
mkdir -p "$state"
chmod 711 "$state"

market_id=$("$bin/market-manager" --print-id --data "$state/market")
echo "market ID: $market_id"

wait_for() { # wait_for FILE-or-PORT SECONDS WHAT
    local what=$3 i
    for ((i = 0; i < $2 * 10; i++)); do
        if [[ $1 == *:* ]]; then
            (exec 3<>"/dev/tcp/${1%:*}/${1#*:}") 2>/dev/null && return 0
        else
            [ -s "$1" ] && return 0
        fi
        sleep 0.1
    done
    die "$what did not come up (see $state/*.log)"
}

lender_cli() { "$bin/lender-console" --cli --data "$state/lender" "$@"; }
borrower_cli() { "$bin/borrower-client" --cli --data "$state/borrower" --market "$market_addr" --market-id "$market_id" "$@"; }

setup_lender() {
    step "Lender: two lendable partitions, registered with the market"
    run lender_cli image add busybox "$image" >/dev/null
    run lender_cli machine reserve --cpus 0 --memory 1G --disk 4G
    local p
    for rate in 0.60 0.90; do
        p=$(lender_cli --json partition create --cpus 1 --memory 256M --disk 1G --rate "$rate" --os busybox |
            json_field partition_id)
        [ -n "$p" ] || die "partition create failed"
        run lender_cli partition register "$p"
    done
    run lender_cli partition list
}

if [ $headless -eq 1 ]; then
    step "Market: market-manager --headless"
    "$bin/market-manager" --headless --listen "$market_addr" --data "$state/market" >"$state/market.log" 2>&1 &
    pids+=($!)
    wait_for "$market_addr" 30 "the market"
    cat "$state/market.log"

    step "Lender agent: lender-console --headless"
    "$bin/lender-console" --headless --data "$state/lender" --listen "$lender_addr" --name demo-lender \
        --market "$market_addr" --market-id "$market_id" >"$state/lender.log" 2>&1 &
    pids+=($!)
    wait_for "$state/lender/agent.address" 60 "the lender agent"
    cat "$state/lender.log"
    setup_lender

    step "Borrower: shop offers"
    run borrower_cli offers --query "cpus>=1 os=busybox" --order rate
    step "Borrower: borrow the best match"
    contract=$(borrower_cli --json borrow --query "cpus>=1 os=busybox order=rate")
    echo "$contract"
    contract_id=$(json_field contract_id <<<"$contract")
    cat >"$state/job.sh" <<'JOB'
echo "hello from the lent partition: $(uname -sr)"
echo "input says: $(cat /job/in/greeting.txt)"
for i in 1 2 3; do echo "working... $i"; sleep 1; done
echo 42 > answer.txt
exit 3
JOB
    echo "Lendable demo" >"$state/greeting.txt"
    step "Borrower: submit a job (busybox image, script and one input file)"
    job=$(borrower_cli --json submit "$contract_id" --os busybox --script "$state/job.sh" --input "$state/greeting.txt" --timeout 120)
    echo "$job"
    job_id=$(json_field job_id <<<"$job")
    step "Borrower: watch the console live"
    run borrower_cli logs "$job_id" --follow
    step "Borrower: wait for the exit code and fetch the outputs"
    run borrower_cli --json wait "$job_id"
    step "Borrower: end the contract and pay"
    run borrower_cli --json end "$contract_id"
    step "Borrower: bills"
    run borrower_cli bills
    step "Done. Data is in $state"
    exit 0
fi

step "Opening the Market Manager (embedded market on $market_addr)"
"$bin/market-manager-gui" --data "$state/market" --listen "$market_addr" >"$state/market.log" 2>&1 &
pids+=($!)
wait_for "$market_addr" 60 "the market"

step "Opening the Lender Console (embedded agent on $lender_addr)"
"$bin/lender-console-gui" --data "$state/lender" --listen "$lender_addr" --name demo-lender \
    --market "$market_addr" --market-id "$market_id" >"$state/lender.log" 2>&1 &
pids+=($!)
wait_for "$state/lender/agent.address" 60 "the lender agent"
setup_lender

step "Opening the Borrower Client"
"$bin/borrower-client-gui" --data "$state/borrower" --market "$market_addr" --market-id "$market_id" >"$state/borrower.log" 2>&1 &
pids+=($!)
cat <<TXT

The three apps are open and pinned to each other. In the Borrower Client:
  1. pick an offer in the list and press Borrow,
  2. on the contract tab, press Submit job (a sample script is filled in) and watch the console,
  3. press End contract: the charge appears, and in the Market Manager's Billing tab.
Close the apps (or press Ctrl-C here) to end the demo. Logs: $state/*.log
TXT
wait "${pids[@]}"
