#!/bin/sh
# Fetches Debian's stock kernel package (never installs it), unpacks it into the cache, builds
# the modules.dep it ships without and extracts the uncompressed ELF kernel. Prints the kernel
# version. Does nothing when a kernel is already prepared, unless --refresh is given (then it
# asks apt which version linux-image-amd64 points at now).
set -eu
. "$(dirname "$0")/common.sh"

refresh=0
[ "${1:-}" = "--refresh" ] && refresh=1

# The bzImage decompresses itself, which takes seconds under TCG; qemu boots the ELF inside it
# directly through its PVH entry point instead. The payload is the xz stream in the image.
extract_vmlinux() { # kernel-dir version
    image="$1/boot/vmlinuz-$2"
    offset=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$image" | head -n 1 | cut -d: -f1)
    if [ -n "$offset" ] && tail -c +$((offset + 1)) "$image" | xz -dc --single-stream > "$1/vmlinux.tmp" 2>/dev/null &&
       [ "$(head -c 4 "$1/vmlinux.tmp" | tail -c 3)" = ELF ]; then
        mv "$1/vmlinux.tmp" "$1/vmlinux"
    else
        # Booting the bzImage still works, only slower.
        rm -f "$1/vmlinux.tmp"
        vm_say "could not extract an ELF kernel from $image; booting the compressed image"
        ln -sf "boot/vmlinuz-$2" "$1/vmlinux"
    fi
}

current=$(vm_kernel_version || true)
if [ $refresh = 0 ] && [ -n "$current" ] && [ -f "$VM_CACHE/kernel/$current/.complete" ]; then
    echo "$current"
    exit 0
fi

command -v apt-get >/dev/null || vm_die "apt-get is needed to fetch $VM_KERNEL_PACKAGE"
command -v depmod >/dev/null || vm_die "depmod (package kmod) is needed"

# The metapackage depends on exactly one versioned image package: linux-image-<version>.
image=$(apt-cache depends "$VM_KERNEL_PACKAGE" 2>/dev/null |
        sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
[ -n "$image" ] || vm_die "apt knows no $VM_KERNEL_PACKAGE (run apt-get update?)"
version=${image#linux-image-}

target="$VM_CACHE/kernel/$version"
if [ ! -f "$target/.complete" ]; then
    debs="$VM_CACHE/debs"
    mkdir -p "$debs"
    if ! ls "$debs/${image}_"*.deb >/dev/null 2>&1; then
        vm_say "downloading $image"
        # apt's download sandbox user cannot write into a root-owned cache; this is only a download.
        (cd "$debs" && apt-get download -q -o APT::Sandbox::User=root "$image" >&2)
    fi
    rm -rf "$target"
    mkdir -p "$target"
    vm_say "unpacking $image"
    dpkg-deb -x "$(ls "$debs/${image}_"*.deb | tail -n 1)" "$target"
    # The package leaves modules.dep to its postinst; build it against the unpacked tree.
    depmod -b "$target" "$version"
    extract_vmlinux "$target" "$version"
    touch "$target/.complete"
fi
echo "$version" > "$VM_CACHE/kernel/current"
echo "$version"
