/*
 * xdpha_maps.h: the contract between the BPF programs in bpf/ and the Swift control plane.
 *
 * Every constant and every struct that user space reads from or writes into a map is declared
 * here once. The BPF programs include this file, and Swift imports it through the CXDPHA module,
 * so a layout can never drift between the two sides. Byte order is part of each field's type:
 * __be* fields are in network order, everything else in host order.
 *
 * Only <linux/types.h> may be included: this header is compiled for -target bpf and for the host.
 */
#ifndef XDPHA_MAPS_H
#define XDPHA_MAPS_H

#include <linux/types.h>

/* Where pinned maps live, so a daemon restart keeps forwarding state. */
#define XDPHA_PIN_ROOT "/sys/fs/bpf/xdpha"

/*
 * Traffic classes the entry program counts (per-CPU array xdpha_traffic, one __u64 per class).
 * The counters let an operator (and the lab tests) see what reached the program and why it was
 * passed on, before any stage acts on it.
 */
enum {
    XDPHA_TRAFFIC_ALL = 0,       /* every frame the program saw */
    XDPHA_TRAFFIC_IPV4,          /* IPv4 frames (after up to two VLAN tags) */
    XDPHA_TRAFFIC_IPV6,          /* IPv6 frames */
    XDPHA_TRAFFIC_ARP,           /* ARP frames */
    XDPHA_TRAFFIC_ICMP,          /* ICMP and ICMPv6 */
    XDPHA_TRAFFIC_VRRP,          /* IP protocol 112 */
    XDPHA_TRAFFIC_TCP,
    XDPHA_TRAFFIC_UDP,
    XDPHA_TRAFFIC_VLAN,          /* frames that carried an 802.1Q/802.1ad tag */
    XDPHA_TRAFFIC_FRAGMENT,      /* IPv4 fragments, IPv6 fragment header */
    XDPHA_TRAFFIC_IP_OPTIONS,    /* IPv4 with options, IPv6 with extension headers */
    XDPHA_TRAFFIC_TRUNCATED,     /* a header ended past the frame */
    XDPHA_TRAFFIC_OTHER,         /* any other ethertype */
    XDPHA_TRAFFIC_MAX
};

/* IP protocol number of VRRP (RFC 5798 section 5.1.1.4). */
#define XDPHA_IPPROTO_VRRP 112

/*
 * Per-interface switches (hash map xdpha_ifaces, key: __u32 ifindex). The one entry program runs
 * on every xdpha interface; these flags say which stages act there, so attaching VRRP reception
 * never detaches DR steering and the other way round. An interface with no entry passes all.
 */
#define XDPHA_MAX_IFACES 64
enum {
    XDPHA_IFACE_VRRP_RX  = 1 << 0,   /* parse and record VRRP adverts (vrrp_rx.h) */
    XDPHA_IFACE_DR_STEER = 1 << 1,   /* steer VIP:port traffic to real servers (dr_steer.h) */
};

struct xdpha_iface {
    __u32 flags;      /* XDPHA_IFACE_* */
    __u32 reserved;
};

/* ---- VRRP advert reception (vrrp_rx.h) ---- */

/* ---- LVS-DR steering (dr_steer.h) ---- */

#endif /* XDPHA_MAPS_H */
