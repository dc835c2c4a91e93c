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
 * Traffic classes the entry program counts (per-CPU array xdpha_traffic: one entry, key 0, a
 * struct xdpha_traffic_counts: one map lookup per frame however many classes it counts in).
 * The counters let an operator (and the lab tests) see what reached the program and why it was
 * passed on. Frames the DR stage forwards are not counted here but at their real
 * (xdpha_dr_real_stats): on a director they are nearly all the traffic, and counting them twice
 * cost about a tenth of the forwarding path's instructions (measured on Linux 6.1).
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

struct xdpha_traffic_counts {
    __u64 count[XDPHA_TRAFFIC_MAX];   /* frames per XDPHA_TRAFFIC_* index */
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

/*
 * xdpha_iface_slots (ARRAY, key: ifindex % XDPHA_IFACE_SLOTS): a direct-mapped copy of
 * xdpha_ifaces that the entry program reads first. An array lookup is inlined into the program;
 * a hash lookup is a chain of kernel calls, the largest single cost of a steered packet. A slot
 * that names another interface (or none) sends the program on to xdpha_ifaces, which stays the
 * authority: two interfaces that share a slot are both served, the second one a little slower.
 * The control plane writes both (Sources/BPF/InterfaceSwitches.swift).
 */
#define XDPHA_IFACE_SLOTS 256

struct xdpha_iface_slot {
    __u32 ifindex;    /* the interface this slot describes; 0: empty */
    __u32 flags;      /* its XDPHA_IFACE_*, as in xdpha_ifaces */
};

/* ---- VRRP advert reception (vrrp_rx.h) ---- */

/*
 * The VRRP stage validates adverts (RFC 3768 for v2, RFC 5798 for v3) in XDP, records the last
 * one per (interface, family, VRID), and wakes the control plane through a ring buffer only when
 * something it must act on changed. Maps keyed by struct xdpha_vrrp_key:
 *   vrrp_config     hash, control plane writes: which VRIDs are ours and how to treat them
 *   vrrp_routers    hash, the stage writes (control plane creates, zero-filled): everything an
 *                   accepted advert touches, in one value (one lookup per advert): a copy of the
 *                   configuration, the last advert, the accepted count, Master_Down_Timer.
 *                   Starts with struct xdpha_vrrp_state, the part user space reads.
 *   vrrp_counters   per-CPU hash, the stage counts: rejections by reason (accepted ones are
 *                   counted in vrrp_routers)
 * and two more:
 *   vrrp_config_generation  array of one __u32, control plane bumps it after every write to
 *                   vrrp_config: a VRID's copy older than it is refreshed from vrrp_config
 *   vrrp_events     ring buffer, the stage writes struct xdpha_vrrp_event
 */
#define XDPHA_VRRP_MAX_VRIDS    1024                     /* (ifindex, family, VRID) entries */
#define XDPHA_VRRP_MAX_COUNTERS (XDPHA_VRRP_MAX_VRIDS + 2 * XDPHA_MAX_IFACES)
#define XDPHA_VRRP_EVENTS_BYTES (64 * 1024)              /* ring buffer size */

/* Address families of a key: the IP version, so that neither side needs <sys/socket.h>. */
#define XDPHA_VRRP_FAMILY_IPV4 4
#define XDPHA_VRRP_FAMILY_IPV6 6

/*
 * VRID 0 is not a valid VRID (RFC 5798 section 5.2.3). Its key is the interface's own counter
 * slot: frames that reached the stage as VRRP but that no configured VRID claims (unknown VRID,
 * too short to carry a VRID, fragments) are counted there.
 */
#define XDPHA_VRRP_UNCLAIMED_VRID 0

struct xdpha_vrrp_key {
    __u32 ifindex;     /* interface the advert arrived on */
    __u8  family;      /* XDPHA_VRRP_FAMILY_* */
    __u8  vrid;        /* 1..255, or XDPHA_VRRP_UNCLAIMED_VRID in vrrp_counters */
    __u16 reserved;    /* zero: part of the hash key */
};

/* Flags of struct xdpha_vrrp_config. */
enum {
    XDPHA_VRRP_CONFIG_MASTER = 1 << 0,  /* we are master: every accepted advert wakes the control plane */
    XDPHA_VRRP_CONFIG_DROP   = 1 << 1,  /* drop the adverts of this VRID after handling; else pass them on */
    XDPHA_VRRP_CONFIG_MASTER_DOWN_TIMER = 1 << 2, /* we are backup: run Master_Down_Timer in the kernel */
    XDPHA_VRRP_CONFIG_PREEMPT = 1 << 3, /* Preempt_Mode now: adverts below local_priority do not restart the timer */
};

/* v2 authentication types (RFC 2338 section 5.3.6); v3 has none. */
#define XDPHA_VRRP_AUTH_NONE     0
#define XDPHA_VRRP_AUTH_PASSWORD 1      /* simple text password in the 8 trailing bytes */
#define XDPHA_VRRP_AUTH_DATA_LEN 8

/* vrrp_config value: written by the control plane, read by the stage. */
struct xdpha_vrrp_config {
    __u8 version;      /* the VRRP version this VRID speaks: 2 (IPv4 only) or 3 */
    __u8 auth_type;    /* v2: XDPHA_VRRP_AUTH_*; an advert must carry the same type. v3: 0 */
    __u8 flags;        /* XDPHA_VRRP_CONFIG_* */
    __u8 local_priority;   /* our effective priority, for the timer's restart rule */
    __u32 master_down_us;  /* Master_Down_Interval in microseconds (0: no kernel timer) */
    __u8 auth_data[XDPHA_VRRP_AUTH_DATA_LEN]; /* v2 password, zero-padded; compared byte for byte */
};

/*
 * The last accepted advert (struct xdpha_vrrp_state.last). Addresses are in network order; an IPv4 source
 * fills source[0..3] and leaves the rest zero. last_ns == 0 means no advert was accepted yet.
 */
struct xdpha_vrrp_advert {
    __u64 last_ns;            /* bpf_ktime_get_ns() at reception: CLOCK_MONOTONIC */
    __u8  source[16];         /* IP source address of the advert: the current master */
    __u16 max_adver_int;      /* centiseconds (v2's whole seconds are converted) */
    __u8  priority;
    __u8  address_count;      /* Count IPvX Addrs */
    __u8  version;            /* 2 or 3 */
    __u8  reserved[3];
};

/*
 * The head of a vrrp_routers value, the part user space reads: the VRID's last accepted advert
 * and how many were accepted (atomic adds: adverts of one VRID may arrive on any CPU). The
 * kernel-only rest of the value (the configuration copy, the bpf_timer) follows it; user space
 * sizes the value with the map's value size.
 */
struct xdpha_vrrp_state {
    struct xdpha_vrrp_advert last;
    __u64 accepted;
};

/*
 * What happened to a VRRP frame: the index into struct xdpha_vrrp_counters. The first value
 * counts accepted adverts; the rejection reasons follow, then EVENT_LOST (not a rejection).
 * Swift mirrors this list one to one (VRRPReceptionCounter); keep the two in step.
 */
enum {
    XDPHA_VRRP_RX_ACCEPTED = 0,     /* valid advert of a configured VRID, recorded */
    XDPHA_VRRP_RX_LENGTH,           /* IP payload shorter than the 8-byte header, or past the frame's end */
    XDPHA_VRRP_RX_FRAGMENT,         /* an IP fragment: left to the kernel, never validated here */
    XDPHA_VRRP_RX_UNKNOWN_VRID,     /* no vrrp_config entry for (ifindex, family, VRID) */
    XDPHA_VRRP_RX_TTL,              /* TTL or hop limit is not 255 */
    XDPHA_VRRP_RX_VERSION,          /* not the configured version (or v2 over IPv6) */
    XDPHA_VRRP_RX_TYPE,             /* not type 1, advertisement */
    XDPHA_VRRP_RX_ADDRESS_COUNT,    /* 8 + count * address length (+ 8 for v2) != payload length */
    XDPHA_VRRP_RX_CHECKSUM,         /* v2: over the message; v3: with the pseudo-header */
    XDPHA_VRRP_RX_AUTH,             /* v2 auth type or password differs from the configuration */
    XDPHA_VRRP_RX_EVENT_LOST,       /* not a rejection: accepted, but the ring buffer was full */
    XDPHA_VRRP_RX_MAX
};

/* vrrp_counters value (per CPU): one __u64 per XDPHA_VRRP_RX_* index. The stage counts
 * ACCEPTED in struct xdpha_vrrp_state instead; user space adds the two. */
struct xdpha_vrrp_counters {
    __u64 count[XDPHA_VRRP_RX_MAX];
};

/* Why the stage woke the control plane: bits of struct xdpha_vrrp_event.reasons. */
enum {
    XDPHA_VRRP_WAKE_NEW_MASTER       = 1 << 0,  /* first advert, or a source address other than the last */
    XDPHA_VRRP_WAKE_PRIORITY         = 1 << 1,  /* priority differs from the last advert's */
    XDPHA_VRRP_WAKE_INTERVAL         = 1 << 2,  /* max adver interval differs from the last advert's */
    XDPHA_VRRP_WAKE_PRIORITY_ZERO    = 1 << 3,  /* the master is leaving (RFC 5798 section 6.4.2) */
    XDPHA_VRRP_WAKE_WHILE_MASTER     = 1 << 4,  /* an advert reached us while we are master */
    XDPHA_VRRP_WAKE_MASTER_DOWN      = 1 << 5,  /* the kernel's Master_Down_Timer expired */
};

/* vrrp_events record: the accepted advert that woke the control plane, and why. */
struct xdpha_vrrp_event {
    __u64 timestamp_ns;       /* bpf_ktime_get_ns() at reception */
    __u32 ifindex;
    __u8  family;             /* XDPHA_VRRP_FAMILY_* */
    __u8  vrid;
    __u8  version;
    __u8  priority;
    __u8  source[16];         /* as in struct xdpha_vrrp_advert */
    __u16 max_adver_int;      /* centiseconds */
    __u8  address_count;
    __u8  reasons;            /* XDPHA_VRRP_WAKE_* */
    __u32 reserved;
};


/* ---- LVS-DR steering (dr_steer.h) ---- */

/*
 * The DR stage steers packets addressed to a configured (VIP, port, protocol) to a real server
 * by rewriting the Ethernet addresses only (LVS "direct routing"): the IP packet is untouched and
 * the real answers the client directly. The control plane (Sources/BPF/DRMaps.swift) writes
 * the maps below from the desired state that Sources/Balancer computes.
 *
 * Addresses: both families use __be32[4] in network order; an IPv4 address sits in [0] and
 * [1..3] are zero. Keys have no implicit padding (explicit pad fields, always written as zero),
 * so a key built in Swift and one built in the program hash to the same bytes.
 *
 * Ring updates are atomic for the data path through map-in-map: xdpha_dr_rings holds, per
 * service id, an inner ARRAY that the control plane builds completely and then swaps in with one
 * update of the outer slot. Block 0 of an inner ring holds its number of slots, so a ring and its
 * size can never be seen from two different generations.
 */
#define XDPHA_DR_MAX_SERVICES  256        /* service ids are 0 ..< this */
#define XDPHA_DR_MAX_REALS     4096       /* real indices are 0 ..< this (one per service member) */
#define XDPHA_DR_RING_SLOTS    65537      /* most lookup slots of one ring (Maglev M <= this) */
#define XDPHA_DR_MAX_PERSIST   (1 << 16)  /* persistence table (LRU) entries */
#define XDPHA_DR_NO_REAL       0xFFFFFFFFu

/* Address family tag in keys; the values are the IP version numbers. */
enum {
    XDPHA_DR_FAMILY_IPV4 = 4,
    XDPHA_DR_FAMILY_IPV6 = 6,
};

/* How a service picks a real for a new flow. */
enum {
    XDPHA_DR_SCHED_HASH = 0,   /* ring[hash(flow fields) % size]: mh, sh, dh (Maglev tables) */
    XDPHA_DR_SCHED_WALK = 1,   /* ring[per-CPU cursor++ % size]: rr, wrr (weighted sequence) */
};

/* Flow fields that go into the hash of XDPHA_DR_SCHED_HASH; the others hash as zero. */
enum {
    XDPHA_DR_HASH_SRC_ADDR  = 1 << 0,
    XDPHA_DR_HASH_SRC_PORT  = 1 << 1,
    XDPHA_DR_HASH_DST_ADDR  = 1 << 2,
    XDPHA_DR_HASH_DST_PORT  = 1 << 3,
    XDPHA_DR_HASH_PROTO     = 1 << 4,
    XDPHA_DR_HASH_ALL       = (1 << 5) - 1,   /* the whole flow: its hash is the connection digest */
};

/* xdpha_dr_vips (HASH): every address that has at least one service. Lets the stage leave all
 * other traffic after one lookup, and count fragments and options sent to a VIP. */
struct xdpha_dr_vip_key {
    __be32 addr[4];     /* the VIP, network order */
    __u8   family;      /* XDPHA_DR_FAMILY_* */
    __u8   pad[3];      /* zero */
};

struct xdpha_dr_vip {
    __u32 services;     /* number of services on this address (informational) */
    __u32 reserved;     /* zero */
};

/* xdpha_dr_services (HASH): (VIP, port, protocol) -> how to steer it. */
struct xdpha_dr_service_key {
    __be32 addr[4];     /* the VIP, network order */
    __be16 port;        /* destination port, network order */
    __u8   proto;       /* IPPROTO_TCP or IPPROTO_UDP */
    __u8   family;      /* XDPHA_DR_FAMILY_* */
};

struct xdpha_dr_service {
    __u32 id;                   /* index into xdpha_dr_rings, xdpha_dr_cursors, xdpha_dr_service_stats */
    __u32 persistence_timeout;  /* seconds a client stays on its real after its last new flow; 0 = off */
    __u8  scheduler;            /* XDPHA_DR_SCHED_* */
    __u8  hash_fields;          /* XDPHA_DR_HASH_* used by XDPHA_DR_SCHED_HASH */
    __u8  lvs_sched;            /* XDPHA_DR_LVS_*: the configured scheduler's name, for status only */
    __u8  reserved;             /* zero */
};

/* xdpha_dr_service_index (ARRAY_OF_MAPS, one entry, key 0): xdpha_dr_services again, laid out
 * for a TCP SYN's lookup (dr_steer.h): an inner ARRAY of XDPHA_DR_SERVICE_SLOTS slots, a key
 * found from slot dr_service_slot(key) (dr_hash.h) on, at most XDPHA_DR_SERVICE_PROBES slots,
 * an empty slot (family 0) ending the search. Inlined array reads, where the hash map costs a
 * call, a jhash and a bucket walk. The control plane builds each version in a new inner map and
 * swaps it in whole; a service it cannot place within the probes is left out, and
 * xdpha_dr_services, the map of record, serves it. */
#define XDPHA_DR_SERVICE_SLOT_BITS 10
#define XDPHA_DR_SERVICE_SLOTS     (1u << XDPHA_DR_SERVICE_SLOT_BITS)   /* 4 x XDPHA_DR_MAX_SERVICES */
#define XDPHA_DR_SERVICE_PROBES    4

struct xdpha_dr_service_slot {
    struct xdpha_dr_service_key key;   /* family 0: an empty slot */
    struct xdpha_dr_service service;
};

/* The lvs_sched a service was configured with. The data path reads `scheduler` and
 * `hash_fields` only; this lets `xdpha status` name the scheduler from the maps alone. */
enum {
    XDPHA_DR_LVS_UNKNOWN = 0,
    XDPHA_DR_LVS_RR,
    XDPHA_DR_LVS_WRR,
    XDPHA_DR_LVS_MH,
    XDPHA_DR_LVS_SH,
    XDPHA_DR_LVS_DH,
};

/* xdpha_dr_reals (ARRAY, XDPHA_DR_MAX_REALS): real index -> where to send. A real index belongs
 * to one service (a real server in two services has two indices). */
enum {
    XDPHA_DR_REAL_IN_USE   = 1 << 0,   /* the entry describes a real of a configured service */
    XDPHA_DR_REAL_ACTIVE   = 1 << 1,   /* weight > 0: takes new flows and persistent clients */
    XDPHA_DR_REAL_RESOLVED = 1 << 2,   /* dmac/smac/ifindex are known; else frames go to the kernel */
};

struct xdpha_dr_real {
    __be32 addr[4];        /* the real server's address, network order (not written to the packet) */
    __u8   dmac[6];        /* the real's MAC: the frame's new destination */
    __u8   smac[6];        /* the director's MAC on ifindex: the frame's new source */
    __u32  ifindex;        /* egress interface: the ingress one means XDP_TX, another a redirect */
    __u32  generation;     /* changes whenever the index is given to another real; flows record it */
    __u32  service_id;     /* the service this real serves */
    __u8   family;         /* XDPHA_DR_FAMILY_* */
    __u8   flags;          /* XDPHA_DR_REAL_* */
    __u16  weight;         /* the configured weight, for status only (the data path reads ACTIVE) */
};

/* xdpha_dr_rings (ARRAY_OF_MAPS, key: service id): per service an inner ARRAY of
 * XDPHA_DR_RING_BLOCKS blocks, every ring the same size whatever its number of slots n (so the
 * verifier inlines the lookups, which it may not for inner maps of differing sizes). Block 0
 * holds n in its first two lanes; slot s (0 ..< n) is lane s % XDPHA_DR_RING_LANES of block 1 + s / XDPHA_DR_RING_LANES
 * and holds a real index. Packed as 16-bit lanes, a 65537-slot ring is 128 KiB: the slot a new
 * flow reads is in cache (and its page in the TLB) far more often than with one 8-byte array
 * element per slot (512 KiB). */
#define XDPHA_DR_RING_LANES    32
#define XDPHA_DR_RING_BLOCKS   (1 + (XDPHA_DR_RING_SLOTS + XDPHA_DR_RING_LANES - 1) / XDPHA_DR_RING_LANES)

struct xdpha_dr_ring_block {
    __u16 lane[XDPHA_DR_RING_LANES];    /* block 0: n = lane[0] | lane[1] << 16; then real indices */
};

/* xdpha_dr_cursors (PERCPU_ARRAY, key: service id): __u32 position of XDPHA_DR_SCHED_WALK. */

/* The connection table, xdpha_dr_conns, so that a flow stays on its real while rings change.
 * Set-associative, in an ARRAY map: key = set number, value = one struct xdpha_dr_conn_set, a
 * 64-byte cache line of XDPHA_DR_CONN_WAYS slots (BPF_F_MMAPABLE makes the values start
 * page-aligned, so a set never straddles two lines). A flow lives in one set, in any of its
 * slots, known by a 64-bit digest of its struct xdpha_dr_flow_key: dr_key_hash() in
 * dr_hash.h, which Swift computes the same way (FlowHash.swift); the set number is the
 * digest's top bits. A new flow takes the slot its set gives away first: a free one, else the
 * one seen least recently. Entries leave only when their slot is taken (no FIN/RST tracking).
 *
 * xdpha_dr_conn_order (ARRAY, key: set number / XDPHA_DR_CONN_ORDERS_PER_LINE) keeps, beside the
 * table, each set's slots in the order they are given away: one byte per set, slot numbers of two
 * bits each, the one to give away first in bits 0-1, the one seen last in bits 6-7, stored XORed
 * with XDPHA_DR_CONN_ORDER_IDENTITY so that a zeroed map holds the order 0, 1, 2, 3. A TCP SYN
 * takes its slot from this byte without reading its set (dr_conns.h says why); whoever reads a
 * set anyway writes its order anew. When a flow has two slots (its SYN came again), the one later
 * in the order is its entry. */
#define XDPHA_DR_CONN_WAYS     4
#define XDPHA_DR_CONN_SET_BITS 16
#define XDPHA_DR_CONN_SETS     (1u << XDPHA_DR_CONN_SET_BITS)
#define XDPHA_DR_MAX_FLOWS     (XDPHA_DR_CONN_SETS * XDPHA_DR_CONN_WAYS)
#define XDPHA_DR_CONN_SEED     0x9e3779b97f4a7c15ull /* start of the digest and of the flow hash */
#define XDPHA_DR_CONN_SEEN_SHIFT 8   /* seen = jiffies >> this: about 0.25 s (HZ 1000) to 1 s (HZ 250) */
#define XDPHA_DR_CONN_ORDERS_PER_LINE 64
#define XDPHA_DR_CONN_ORDER_LINES (XDPHA_DR_CONN_SETS / XDPHA_DR_CONN_ORDERS_PER_LINE)
#define XDPHA_DR_CONN_ORDER_IDENTITY 0xe4  /* 0 | 1 << 2 | 2 << 4 | 3 << 6 */

/* What the digest is computed over (never stored). */
struct xdpha_dr_flow_key {
    __be32 src[4];      /* client address, network order */
    __be32 dst[4];      /* VIP, network order */
    __be16 sport;       /* client port, network order */
    __be16 dport;       /* service port, network order */
    __u8   proto;       /* IPPROTO_TCP or IPPROTO_UDP */
    __u8   family;      /* XDPHA_DR_FAMILY_* */
    __u16  pad;         /* zero */
};

struct xdpha_dr_conn_set {
    __u64 digest[XDPHA_DR_CONN_WAYS];      /* the flow's digest; 0: a free slot */
    __u32 generation[XDPHA_DR_CONN_WAYS];  /* the real's generation when chosen: a reused index is not followed */
    __u16 real[XDPHA_DR_CONN_WAYS];        /* real index (XDPHA_DR_MAX_REALS fits) */
    __u16 seen[XDPHA_DR_CONN_WAYS];        /* jiffies >> XDPHA_DR_CONN_SEEN_SHIFT when last used, wrapping */
};

struct xdpha_dr_conn_order_line {
    __u8 order[XDPHA_DR_CONN_ORDERS_PER_LINE];  /* set (line * 64 + i): its order ^ XDPHA_DR_CONN_ORDER_IDENTITY */
};

/* xdpha_dr_persist (LRU_HASH): persistence_timeout, a client address pinned to a real. */
struct xdpha_dr_persist_key {
    __u32  service_id;  /* the service's id */
    __u8   family;      /* XDPHA_DR_FAMILY_* */
    __u8   pad[3];      /* zero */
    __be32 client[4];   /* client address, network order */
};

struct xdpha_dr_persist {
    __u32 real;         /* real index */
    __u32 generation;   /* the real's generation when chosen */
    __u64 last_ns;      /* bpf_ktime_get_ns() of the client's last new flow */
};

/* xdpha_dr_egress (DEVMAP_HASH, key and value: ifindex): interfaces a real can be reached
 * through other than the ingress one (targets of bpf_redirect_map). */

/* xdpha_dr_real_stats (PERCPU_ARRAY, key: real index): what was steered to each real, the one
 * counter a forwarded frame touches (a per-CPU lookup is a helper call on older kernels, and the
 * program used to make three per frame). What else is reported is derived from it by the
 * control plane: a service's totals are the sum over its reals plus xdpha_dr_service_stats
 * (PERCPU_ARRAY, key: service id), which only the control plane writes: what reals that have
 * left the service had counted. Likewise the XDPHA_DR_TX and XDPHA_DR_REDIRECT outcomes are the
 * reals' `packets - redirected` and `redirected` plus what their slots in xdpha_dr_outcomes hold
 * (left reals' counts, written by the control plane). */
struct xdpha_dr_stats {
    __u64 packets;      /* frames forwarded */
    __u64 bytes;        /* their length on the wire, Ethernet header included */
    __u64 new_flows;    /* connection-table misses that chose a real */
    __u64 redirected;   /* of `packets`, those sent out of another interface (bpf_redirect_map) */
};

/* xdpha_dr_outcomes (PERCPU_ARRAY of __u64): what happened to traffic for a VIP, one counter
 * per outcome. Traffic not for a VIP is not counted here (see xdpha_traffic). The program counts
 * the passes; the forwarded outcomes come from xdpha_dr_real_stats (see above). */
enum {
    XDPHA_DR_TX = 0,                /* forwarded back out of the ingress interface (XDP_TX) */
    XDPHA_DR_REDIRECT,              /* forwarded out of another interface (bpf_redirect_map) */
    XDPHA_DR_PASS_FRAGMENT,         /* an IP fragment for a VIP: ports unknown, kernel decides */
    XDPHA_DR_PASS_IP_OPTIONS,       /* IPv4 options or IPv6 extension headers */
    XDPHA_DR_PASS_NOT_TCP_UDP,      /* ICMP and the like for a VIP */
    XDPHA_DR_PASS_TRUNCATED,        /* TCP/UDP header cut short */
    XDPHA_DR_PASS_NO_SERVICE,       /* a VIP, but no service on this port and protocol */
    XDPHA_DR_PASS_NO_REAL,          /* the service has no real with weight > 0 */
    XDPHA_DR_PASS_UNRESOLVED,       /* the chosen real's MAC is not known yet */
    XDPHA_DR_PASS_NO_EGRESS,        /* the real's interface is missing from xdpha_dr_egress */
    XDPHA_DR_OUTCOME_MAX
};

#endif /* XDPHA_MAPS_H */
