#!/bin/bash
# Runs a command inside a throwaway qemu guest that boots Debian's stock kernel (which has IPVS)
# on this machine's own userland, and exits with the command's exit status.
#
#   vm/run-in-vm.sh [--timeout SECONDS] [--] COMMAND [ARG...]
#
# The guest sees the host root read-only with a RAM overlay (writes vanish at power-off) and the
# project folder read-write at the same path; the command starts in the current directory when
# that is inside the project, else in the project folder, with the caller's environment.
# Its stdout and stderr arrive on ours. Exit status 124: timed out; 125: the VM itself failed.
#
# Environment: VM_TIMEOUT (seconds, default 1200), VM_MEMORY (MiB, default 2048), VM_CPUS
# (default 2), VM_ACCEL (auto, tcg or kvm), VM_KEEP=1 keeps the run folder (boot log, status),
# VM_QUIET=1 drops the timing line, VM_APPEND adds kernel parameters (loglevel=7 shows the
# boot in the boot log), VM_CACHE (default <project>/.vm-cache), VM_ICOUNT=N (TCG only: the
# guest's clock counts instructions, 2^N ns each, instead of following the host's clock, so that
# CPU time measured in the guest does not grow when the host deschedules qemu; one host thread
# then runs all vCPUs).
set -uo pipefail
. "$(dirname "$0")/common.sh"

timeout_seconds=${VM_TIMEOUT:-1200}
while [ $# -gt 0 ]; do
    case "$1" in
        --timeout) timeout_seconds=${2:?--timeout needs seconds}; shift 2 ;;
        --) shift; break ;;
        -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) break ;;
    esac
done
[ $# -gt 0 ] || vm_die "no command given (usage: vm/run-in-vm.sh [--timeout SECONDS] [--] COMMAND...)"
case "$timeout_seconds" in ''|*[!0-9]*) vm_die "--timeout wants whole seconds, not $timeout_seconds" ;; esac

command -v qemu-system-x86_64 >/dev/null || vm_die "qemu-system-x86_64 is needed (make vm-deps)"
case "$PROJECT_DIR" in *[[:space:]]*) vm_die "the project path may not contain spaces: $PROJECT_DIR" ;; esac

# One run at a time prepares the cache; later ones find it ready.
mkdir -p "$VM_CACHE/runs"
exec 9>"$VM_CACHE/.lock"
flock 9
version=$("$VM_DIR/fetch-kernel.sh") || exit 125
initramfs=$("$VM_DIR/build-initramfs.sh" "$version") || exit 125
flock -u 9
exec 9>&-
kernel="$VM_CACHE/kernel/$version"

# KVM only where the CPU has hardware virtualisation and a test boot of the stock kernel works
# (a paravirtual /dev/kvm without it cannot run one); the verdict is cached per kernel.
choose_accel() {
    case "${VM_ACCEL:-auto}" in
        tcg|kvm) echo "$VM_ACCEL"; return ;;
        auto) ;;
        *) vm_die "VM_ACCEL must be auto, tcg or kvm" ;;
    esac
    if ! grep -qwE 'vmx|svm' /proc/cpuinfo || [ ! -w /dev/kvm ]; then echo tcg; return; fi
    local verdict="$VM_CACHE/accel-$version"
    if [ ! -f "$verdict" ]; then
        if VM_ACCEL=kvm VM_TIMEOUT=60 VM_QUIET=1 "$0" -- true >/dev/null 2>&1; then
            echo kvm > "$verdict"
        else
            echo tcg > "$verdict"
        fi
    fi
    cat "$verdict"
}
accel=$(choose_accel)
case "$accel" in
    kvm) cpu="host,-arch-capabilities" ;;
    *) cpu="max" ;;
esac

run=$(mktemp -d "$VM_CACHE/runs/run.XXXXXX")
cleanup() { [ "${VM_KEEP:-0}" = 1 ] || rm -rf "$run"; }
trap cleanup EXIT

# The command script: the caller's environment (minus per-shell variables), directory and
# arguments, each quoted for bash.
quote() { local s=${1//\'/\'\\\'\'}; printf "'%s'" "$s"; }
workdir=$PWD
case "$workdir/" in "$PROJECT_DIR"/*) ;; *) workdir=$PROJECT_DIR ;; esac
{
    echo "# written by vm/run-in-vm.sh"
    export -p | grep -vE '^declare -[a-zA-Z]*r|^declare -x (PWD|OLDPWD|SHLVL|_)='
    echo "cd $(quote "$workdir") || exit 125"
    printf 'exec'
    for arg in "$@"; do printf ' %s' "$(quote "$arg")"; done
    echo
} > "$run/command.sh"

share() { # tag path [readonly]
    local ro=""
    [ "${3:-}" = readonly ] && ro=",readonly=on"
    echo "-fsdev local,id=$1,path=$2,security_model=none,multidevs=remap$ro"
    echo "-device virtio-9p-pci,fsdev=$1,mount_tag=$1"
}

# The ELF kernel boots through PVH, skipping the bzImage's own decompression (seconds under TCG).
qemu_args=(
    -nodefaults -no-user-config -display none -no-reboot
    -machine "pc,accel=$accel" -cpu "$cpu" -m "${VM_MEMORY:-2048}" -smp "${VM_CPUS:-2}"
    -kernel "$kernel/vmlinux" -initrd "$initramfs"
    -append "console=ttyS0 quiet panic=-1 xdpha.project=$PROJECT_DIR ${VM_APPEND:-}"
    -serial "file:$run/boot.log"
    -device virtio-serial-pci
    -chardev "file,id=out,path=$run/stdout" -device virtconsole,chardev=out
    -chardev "file,id=err,path=$run/stderr" -device virtconsole,chardev=err
    $(share hostroot / readonly)
    $(share project "$PROJECT_DIR")
    $(share kmodules "$kernel/lib/modules/$version" readonly)
    $(share run "$run")
)
if [ -n "${VM_ICOUNT:-}" ]; then
    [ "$accel" = tcg ] || vm_die "VM_ICOUNT needs TCG (VM_ACCEL=tcg)"
    case "$VM_ICOUNT" in ''|*[!0-9]*) vm_die "VM_ICOUNT wants a whole shift (0-10), not $VM_ICOUNT" ;; esac
    qemu_args+=(-icount "shift=$VM_ICOUNT,sleep=${VM_ICOUNT_SLEEP:-on}")
fi

# The consoles reach us through FIFOs copied by cat, so that the command's output goes through
# our own descriptors (a log file opened without O_APPEND keeps its offset right).
mkfifo "$run/stdout" "$run/stderr" || exit 125
cat "$run/stdout" &
copy_out=$!
cat "$run/stderr" >&2 &
copy_err=$!

launched=$(date +%s.%N)
timeout --foreground -k 10 "$timeout_seconds" qemu-system-x86_64 "${qemu_args[@]}"
qemu_status=$?
finished=$(date +%s.%N)
# qemu closed the FIFOs when it exited; if it never opened them (it failed to start), the cats
# still wait for a writer: a read-write open never blocks and releases them with an EOF.
exec 3<>"$run/stdout" 4<>"$run/stderr"
exec 3>&- 4>&-
wait "$copy_out" "$copy_err"

if [ $qemu_status = 124 ] || [ $qemu_status = 137 ]; then
    VM_KEEP=1
    vm_say "timed out after $timeout_seconds s (boot log: $run/boot.log)"
    exit 124
fi
if [ ! -f "$run/status" ]; then
    VM_KEEP=1
    vm_say "the VM stopped without a command exit status (qemu exit $qemu_status); boot log:"
    tail -n 30 "$run/boot.log" >&2
    vm_say "run folder kept: $run"
    exit 125
fi
status=$(cat "$run/status")
if [ "${VM_QUIET:-0}" != 1 ]; then
    # started holds the guest's uptime when the command began; its modification time is the
    # host's clock at that moment. Their difference is what qemu and the firmware took.
    awk -v accel="$accel" -v launched="$launched" -v finished="$finished" -v status="$status" \
        -v started="$(stat -c %.9Y "$run/started")" -v uptime="$(cat "$run/started")" 'BEGIN {
        printf "vm: %s: command started %.1f s after launch (qemu+firmware %.1f s, kernel+init %.1f s), VM total %.1f s, exit status %s\n",
            accel, started - launched, started - launched - uptime, uptime, finished - launched, status
    }' >&2
fi
exit "$status"
