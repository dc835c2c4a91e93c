/*
 * xdpha_entry_without_vrrp.c: the entry program (xdpha.c) built with the VRRP stage switched off
 * at compile time, for the forwarding benchmark only.
 *
 * Linux 6.1's verifier (Debian 12's stock kernel, the qemu guest that has IPVS) rejects the VRRP
 * stage's checksum loop ("invalid zero-sized read" at bpf_xdp_load_bytes), so there the whole
 * entry program fails to load. The benchmark compares the DR paths on that kernel with this
 * build: the same source, maps and DR stage; the flag test for VRRP is constant false, so the
 * compiler drops the stage. It is used only when the real entry program does not load, and the
 * results say so.
 */
#include "xdpha_maps.h"
#define XDPHA_IFACE_VRRP_RX 0
#include "xdpha.c"
