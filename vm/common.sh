# Shared paths for the vm/ scripts; sourced, not run. Everything downloaded or built lives in
# VM_CACHE (git-ignored), so a second run reuses it.
VM_DIR=$(cd "$(dirname "$0")" && pwd)
PROJECT_DIR=${PROJECT_DIR:-$(dirname "$VM_DIR")}
VM_CACHE=${VM_CACHE:-$PROJECT_DIR/.vm-cache}
# The Debian metapackage that names the current stock kernel.
VM_KERNEL_PACKAGE=${VM_KERNEL_PACKAGE:-linux-image-amd64}
# Modules the initramfs loads itself, before the host root is mounted: the virtio transport,
# the consoles, 9p (the host root, the project, the run folder) and overlayfs (the RAM layer).
VM_BOOT_MODULES="virtio_pci virtio_console 9pnet_virtio 9p overlay"

vm_say() { printf 'vm: %s\n' "$*" >&2; }
vm_die() { printf 'vm: error: %s\n' "$*" >&2; exit 125; }

# The kernel version unpacked last (written by fetch-kernel.sh), or nothing.
vm_kernel_version() { cat "$VM_CACHE/kernel/current" 2>/dev/null; }
