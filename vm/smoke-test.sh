#!/bin/bash
# Checks the VM runner itself: exit status and both output streams come back, the command runs
# in the project folder, which is writable, while the host root only gets a RAM overlay, the
# stock kernel's IPVS modules load, and the timeout ends a command that hangs.
set -uo pipefail
cd "$(dirname "$0")/.."
probe=".vm-cache/smoke-$$"
failures=0
check() { # description, condition...
    local what=$1; shift
    if "$@"; then echo "ok: $what"; else echo "FAILED: $what"; failures=$((failures + 1)); fi
}

out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err" "$probe"' EXIT

vm/run-in-vm.sh -- bash -c "
    echo to-stdout; echo to-stderr >&2
    pwd
    touch '$probe'
    echo guest > /etc/xdpha-vm-probe
    ipvsadm -A -t 192.0.2.1:80 -s wrr && ipvsadm -Ln | grep -q 'TCP  192.0.2.1:80 wrr' && echo ipvs-works
    uname -r
    exit 7" >"$out" 2>"$err"
status=$?
check "exit status 7 passed through (got $status)" test "$status" = 7
check "stdout arrives on stdout" grep -qx to-stdout "$out"
check "stderr arrives on stderr" grep -qx to-stderr "$err"
check "stderr does not leak into stdout" bash -c "! grep -q to-stderr '$out'"
check "command runs in the project folder" grep -qx "$PWD" "$out"
check "the project folder is writable from the guest" test -f "$probe"
check "the host root is not written" test ! -e /etc/xdpha-vm-probe
check "IPVS works in the guest (ipvsadm with module autoload)" grep -qx ipvs-works "$out"
check "the guest runs the stock kernel" grep -q 'amd64$' "$out"
grep '^vm: ' "$err"

start=$(date +%s)
vm/run-in-vm.sh --timeout 25 -- sleep 600 >/dev/null 2>"$err"
status=$?
check "a hanging command times out with status 124 (got $status)" test "$status" = 124
check "the timeout takes about its length ($(( $(date +%s) - start )) s)" test $(( $(date +%s) - start )) -lt 60

if [ $failures -gt 0 ]; then echo "$failures check(s) failed"; exit 1; fi
echo "VM runner works"
