#!/usr/bin/env bash
# Runs a command (ctest) with what the real-thing tests need: a PostgreSQL server for the
# storage and market tests and a running libvirt daemon for the VM tests. Both are started
# here, not assumed: CI machines start with neither.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
state="${LENDABLE_TEST_STATE:-/tmp/lendable-test}"
mkdir -p "$state"

if [ -z "${LENDABLE_TEST_PG_URL:-}" ] && [ -x "$here/pg-test-server.sh" ]; then
    LENDABLE_TEST_PG_URL="$("$here/pg-test-server.sh" start "$state/pg" | tail -n 1)"
    export LENDABLE_TEST_PG_URL
    echo "test-env: PostgreSQL at $LENDABLE_TEST_PG_URL"
fi
if [ -x "$here/libvirt-up.sh" ]; then
    "$here/libvirt-up.sh" || echo "test-env: libvirt daemon could not be started; VM tests will say why" >&2
fi
exec "$@"
