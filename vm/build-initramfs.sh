#!/bin/sh
# Builds the test VM's initramfs for kernel version $1 (unpacked by fetch-kernel.sh): static
# busybox, vm/init, the autoload helper and the boot modules with their dependencies, in load
# order. Prints its path. Rebuilds only when an input is newer than the cached image.
set -eu
. "$(dirname "$0")/common.sh"

version=${1:?usage: build-initramfs.sh KERNEL_VERSION}
kernel="$VM_CACHE/kernel/$version"
[ -f "$kernel/.complete" ] || vm_die "kernel $version is not unpacked (run vm/fetch-kernel.sh)"
out="$VM_CACHE/initramfs-$version.cpio"

busybox=$(command -v busybox || true)
[ -n "$busybox" ] || vm_die "busybox is needed (package busybox-static)"
# The initramfs has no libc, so the busybox copied into it must be static.
if ldd "$busybox" >/dev/null 2>&1; then
    vm_die "$busybox is dynamically linked: install busybox-static"
fi

if [ -f "$out" ]; then
    stale=0
    for input in "$VM_DIR/init" "$VM_DIR/modprobe-guest" "$VM_DIR/build-initramfs.sh" \
                 "$VM_DIR/common.sh" "$busybox" "$kernel/.complete"; do
        [ "$input" -nt "$out" ] && stale=1
    done
    if [ $stale = 0 ]; then echo "$out"; exit 0; fi
fi

command -v cpio >/dev/null || vm_die "cpio is needed"
stage=$(mktemp -d "$VM_CACHE/initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/modules" "$stage/proc" "$stage/sys" "$stage/dev"
cp "$busybox" "$stage/bin/busybox"
cp "$VM_DIR/init" "$stage/init"
cp "$VM_DIR/modprobe-guest" "$stage/bin/modprobe-guest"
chmod 0755 "$stage/init" "$stage/bin/modprobe-guest"

# modprobe lists each module after its dependencies; keep the first mention of each.
for module in $VM_BOOT_MODULES; do
    modprobe -d "$kernel" -S "$version" --show-depends "$module" ||
        vm_die "module $module not found in kernel $version"
done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' > "$stage/load-paths"
while read -r path; do
    cp "$path" "$stage/modules/"
    basename "$path"
done < "$stage/load-paths" > "$stage/modules.load"
rm "$stage/load-paths"

(cd "$stage" && find . | cpio -o -H newc --quiet) > "$out.tmp"
mv "$out.tmp" "$out"
vm_say "built $(basename "$out") ($(wc -l < "$stage/modules.load") modules)"
echo "$out"
