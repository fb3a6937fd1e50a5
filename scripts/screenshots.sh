#!/usr/bin/env bash
# Makes docs/screenshots/*.png: runs a real market and lender agent (with a real VM job run
# through the borrower CLI, plus simulated lenders from lendable-seed with two weeks of past
# contracts for fuller charts),
# then opens each desktop app on an Xvfb display and grabs its window from the X server.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/build/bin"
out="$root/docs/screenshots"
state="${LENDABLE_SHOTS_DIR:-/var/tmp/lendable-shots}"
image="${LENDABLE_IMAGE_CACHE:-/var/tmp/lendable-cache}/busybox"
market_addr=127.0.0.1:7450
lender_addr=127.0.0.1:7451

json_field() { sed -n "s/.*\"$1\": *\"\([^\"]*\)\".*/\1/p" | head -n 1; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

[ -f "$image/image.json" ] || "$root/installer/os-images/build-busybox-image.sh" "$image"
"$root/scripts/libvirt-up.sh" >/dev/null
rm -rf "$state" && mkdir -p "$state" "$out" && chmod 711 "$state"
# Settings of their own (language, remembered connections): the screenshots do not depend
# on, nor change, the user's.
export XDG_CONFIG_HOME="$state/config"

Xvfb :97 -screen 0 1280x860x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
export DISPLAY=:97
sleep 1

market_id=$("$bin/market-manager" --print-id --data "$state/market")
# Two weeks of the simulated lenders' past contracts, written into the market's database
# before it starts (those lenders stay offline until lendable-seed connects as them, below).
"$bin/lendable-seed" --history 14 --data "$state/market" --identities "$state/seed" --lenders 4 --partitions 10 >"$state/history.log"
# market-bench drives the market for the Service tab's shot (last), as an admin of it.
bench_id=$("$bin/market-bench" --identity "$state/bench" --print-id)
"$bin/market-manager" --headless --listen "$market_addr" --data "$state/market" --admin-id "$bench_id" >"$state/market.log" 2>&1 &
pids+=($!)
"$bin/lender-console" --headless --data "$state/lender" --listen "$lender_addr" --name my-workstation \
    --market "$market_addr" --market-id "$market_id" >"$state/lender.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$state/lender/agent.address" ] && break; sleep 0.2; done
lender() { "$bin/lender-console" --cli --data "$state/lender" "$@"; }
borrower() { "$bin/borrower-client" --cli --data "$state/borrower" --market "$market_addr" --market-id "$market_id" "$@"; }
lender image add busybox "$image" >/dev/null
lender machine reserve --cpus 0 --memory 1G --disk 4G >/dev/null
for rate in 0.60 0.90; do
    p=$(lender --json partition create --cpus 1 --memory 256M --disk 1G --rate $rate --os busybox | json_field partition_id)
    lender partition register "$p" >/dev/null
done

# One real contract with a real VM job, ended (a bill), and one left running (a lock).
borrower name "Acme Research" >/dev/null
printf 'echo "hello from $(uname -n)"\nfor i in 1 2 3; do echo "step $i"; sleep 1; done\necho done > result.txt\nexit 0\n' >"$state/job.sh"
c=$(borrower --json borrow --query "cpus>=1 os=busybox rate<=0.75" | json_field contract_id)
j=$(borrower --json submit "$c" --os busybox --script "$state/job.sh" | json_field job_id)
borrower --json wait "$j" >/dev/null
borrower --json end "$c" >/dev/null
c2=$(borrower --json borrow --query "cpus>=1 os=busybox rate<=0.95 order=-rate" | json_field contract_id)
j2=$(borrower --json submit "$c2" --os busybox --script "$state/job.sh" | json_field job_id)
borrower --json wait "$j2" >/dev/null
# Simulated lenders (after the real contracts, so those went to the real agent).
"$bin/lendable-seed" --market "$market_addr" --market-id "$market_id" --identities "$state/seed" \
    --lenders 4 --partitions 10 --contracts 8 --violations 3 --keep-open >"$state/seed.log" 2>&1 &
pids+=($!)
sleep 4

shot() { # shot NAME PROGRAM ARGS...
    local name=$1
    shift
    "$@" --screenshot "$out/$name.png" >/dev/null 2>"$state/$name.err" || { cat "$state/$name.err" >&2; exit 1; }
    echo "screenshots: $out/$name.png"
}
shot market-manager "$bin/market-manager-gui" --data "$state/market" --connect "$market_addr" --market-id "$market_id"
shot market-manager-billing "$bin/market-manager-gui" --data "$state/market" --connect "$market_addr" --market-id "$market_id" --tab 2
shot market-manager-contracts "$bin/market-manager-gui" --data "$state/market" --connect "$market_addr" --market-id "$market_id" --tab 1
shot market-manager-violations "$bin/market-manager-gui" --data "$state/market" --connect "$market_addr" --market-id "$market_id" --tab 3
# The PDF billing report as `--export-report` writes it: its second page (the invoices and
# payouts tables), rendered by poppler's pdftoppm.
"$bin/market-manager-gui" --data "$state/market" --connect "$market_addr" --market-id "$market_id" \
    --export-report "$state/report.pdf" >/dev/null 2>"$state/report.err" || { cat "$state/report.err" >&2; exit 1; }
pdftoppm -png -r 110 -f 2 -l 2 -singlefile "$state/report.pdf" "$out/market-manager-report"
echo "screenshots: $out/market-manager-report.png"
shot lender-console "$bin/lender-console-gui" --data "$state/lender" --connect "$lender_addr"
# The Lend directly dialog and the key file it shows once, the Jobs dialog and the Bills
# dialog, from the Lender Console's GUI test (on this display), which walks through them with
# a test driver's agent (and, for the bills, a market in the test).
(cd "$state" && LENDABLE_GRAB_DIR="$out" QT_QPA_PLATFORM=xcb "$root/build/tests/test_lender_gui" lendingDirectlyFromTheCard \
    jobsDialogShowsWhatRan billsAndReceiptsFromTheMarket >"$state/lend-directly.log" 2>&1) || { cat "$state/lend-directly.log" >&2; exit 1; }
echo "screenshots: $out/lender-console-lend-directly.png $out/lender-console-key-file.png $out/lender-console-jobs.png $out/lender-console-bills.png"
shot borrower-client "$bin/borrower-client-gui" --data "$state/borrower" --market "$market_addr" --market-id "$market_id"
shot borrower-client-contract "$bin/borrower-client-gui" --data "$state/borrower" --market "$market_addr" --market-id "$market_id" --tab 2
shot borrower-client-bills "$bin/borrower-client-gui" --data "$state/borrower" --market "$market_addr" --market-id "$market_id" --tab 1
# The Service tab under load: market-bench (small) in its closed-loop mix against this
# market; the shot is taken after a few of the tab's two-second intervals.
(cd "$state" && exec "$bin/market-bench" --identity "$state/bench" --connect "$market_addr" --market-id "$market_id" \
    --partitions 2000 --lenders 5 --connections 50 --seconds 60) >"$state/bench.log" 2>&1 &
pids+=($!)
for _ in $(seq 150); do grep -q "^opened" "$state/bench.log" && break; sleep 0.2; done
grep -q "^opened" "$state/bench.log" || { cat "$state/bench.log" >&2; exit 1; }
shot market-manager-service "$bin/market-manager-gui" --data "$state/market" --connect "$market_addr" --market-id "$market_id" \
    --tab 4 --screenshot-delay 13000
# The same tab with its chart on the market's p99 per kind of request (the choice the tab
# remembers in the app's settings), from the samples the market kept and the tab's own.
printf '\n[service]\nchart=p99\nchartMinutes=5\n' >>"$XDG_CONFIG_HOME/Lendable/market-manager.conf"
shot market-manager-service-latency "$bin/market-manager-gui" --data "$state/market" --connect "$market_addr" --market-id "$market_id" \
    --tab 4 --screenshot-delay 5000
