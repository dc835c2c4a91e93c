/*
 * xdpha.c: the one XDP entry program per interface.
 *
 * It parses each frame once, hands it to the stages that the control plane switched on for this
 * interface (VRRP advert reception, DR steering), and counts it by traffic class unless the DR
 * stage forwarded it. Anything no stage claims leaves with XDP_PASS, untouched.
 *
 * Also here: xdpha_pass, a program that only passes (veth peers need one for XDP_TX frames to
 * arrive), and xdpha_floor, which swaps MACs and bounces the frame: the cost floor that the
 * benchmarks compare every stage against.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "xdpha_maps.h"
#include "parse.h"

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct xdpha_traffic_counts);
} xdpha_traffic SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, XDPHA_MAX_IFACES);
    __type(key, __u32);
    __type(value, struct xdpha_iface);
} xdpha_ifaces SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, XDPHA_IFACE_SLOTS);
    __type(key, __u32);
    __type(value, struct xdpha_iface_slot);
} xdpha_iface_slots SEC(".maps");

/* A stage returns STAGE_CONTINUE when the frame is not its business, or an XDP verdict. */
#define STAGE_CONTINUE (-1)

#include "vrrp_rx.h"
#include "dr_steer.h"

static __always_inline void count(struct xdpha_traffic_counts *counts, __u32 class)
{
    if (counts && class < XDPHA_TRAFFIC_MAX)
        counts->count[class] += 1;
}

/* The stages switched on for `ifindex`: its slot when the slot is its own, else xdpha_ifaces. */
static __always_inline __u32 iface_flags(__u32 ifindex)
{
    __u32 slot = ifindex % XDPHA_IFACE_SLOTS;
    struct xdpha_iface_slot *fast = bpf_map_lookup_elem(&xdpha_iface_slots, &slot);
    if (fast && fast->ifindex == ifindex)
        return fast->flags;
    struct xdpha_iface *iface = bpf_map_lookup_elem(&xdpha_ifaces, &ifindex);
    return iface ? iface->flags : 0;
}

/* Counts a frame by class: all frames but those the DR stage forwards (xdpha_maps.h says why). */
static __always_inline void count_traffic(enum parse_result result, const struct packet *p)
{
    __u32 zero = 0;
    struct xdpha_traffic_counts *counts = bpf_map_lookup_elem(&xdpha_traffic, &zero);

    count(counts, XDPHA_TRAFFIC_ALL);
    if (p->vlan_tags)
        count(counts, XDPHA_TRAFFIC_VLAN);
    if (result == PARSE_TRUNCATED) {
        count(counts, XDPHA_TRAFFIC_TRUNCATED);
        return;
    }
    if (result == PARSE_NOT_IP) {
        count(counts, p->eth_proto == ETH_P_ARP ? XDPHA_TRAFFIC_ARP : XDPHA_TRAFFIC_OTHER);
        return;
    }

    count(counts, p->eth_proto == ETH_P_IP ? XDPHA_TRAFFIC_IPV4 : XDPHA_TRAFFIC_IPV6);
    if (p->fragment)
        count(counts, XDPHA_TRAFFIC_FRAGMENT);
    if (p->options)
        count(counts, XDPHA_TRAFFIC_IP_OPTIONS);

    switch (p->l4_proto) {
    case IPPROTO_ICMP:
    case IPPROTO_ICMPV6:
        count(counts, XDPHA_TRAFFIC_ICMP);
        break;
    case XDPHA_IPPROTO_VRRP:
        count(counts, XDPHA_TRAFFIC_VRRP);
        break;
    case IPPROTO_TCP:
        count(counts, XDPHA_TRAFFIC_TCP);
        break;
    case IPPROTO_UDP:
        count(counts, XDPHA_TRAFFIC_UDP);
        break;
    }
}

/* The stages switched on for the ingress interface, in order; XDP_PASS when none claims it. */
static __always_inline int run_stages(struct xdp_md *ctx, struct packet *p, int *forwarded)
{
    __u32 flags = iface_flags(ctx->ingress_ifindex);
    int verdict;
    if (flags & XDPHA_IFACE_VRRP_RX) {
        verdict = vrrp_stage(ctx, p);
        if (verdict != STAGE_CONTINUE)
            return verdict;
    }
    if (flags & XDPHA_IFACE_DR_STEER) {
        verdict = dr_stage(ctx, p);
        if (verdict != STAGE_CONTINUE) {
            *forwarded = verdict == XDP_TX || verdict == XDP_REDIRECT;
            return verdict;
        }
    }
    return XDP_PASS;
}

SEC("xdp")
int xdpha_entry(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct packet p = {};
    enum parse_result result = parse_packet(data, data_end, &p);
    int verdict = XDP_PASS;
    int forwarded = 0;
    if (result != PARSE_TRUNCATED && result != PARSE_NOT_IP)
        verdict = run_stages(ctx, &p, &forwarded);
    /* A forwarded frame is counted once, at its real (the bulk of a director's frames: the
     * class counters cost as much again as the rest of their bookkeeping). */
    if (!forwarded)
        count_traffic(result, &p);
    return verdict;
}

SEC("xdp")
int xdpha_pass(struct xdp_md *ctx)
{
    return XDP_PASS;
}

SEC("xdp")
int xdpha_floor(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > data_end)
        return XDP_DROP;
    unsigned char tmp[ETH_ALEN];
    __builtin_memcpy(tmp, eth->h_dest, ETH_ALEN);
    __builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
    __builtin_memcpy(eth->h_source, tmp, ETH_ALEN);
    return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
