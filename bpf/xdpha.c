/*
 * xdpha.c: the one XDP entry program per interface.
 *
 * It parses each frame once, counts it by traffic class, and then hands it to the stages that
 * the control plane switched on for this interface (VRRP advert reception, DR steering; added by
 * later stages). Anything no stage claims leaves with XDP_PASS, untouched.
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
    __uint(max_entries, XDPHA_TRAFFIC_MAX);
    __type(key, __u32);
    __type(value, __u64);
} xdpha_traffic SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, XDPHA_MAX_IFACES);
    __type(key, __u32);
    __type(value, struct xdpha_iface);
} xdpha_ifaces SEC(".maps");

/* A stage returns STAGE_CONTINUE when the frame is not its business, or an XDP verdict. */
#define STAGE_CONTINUE (-1)

#include "vrrp_rx.h"
#include "dr_steer.h"

static __always_inline void count(__u32 class)
{
    __u64 *value = bpf_map_lookup_elem(&xdpha_traffic, &class);
    if (value)
        *value += 1;
}

SEC("xdp")
int xdpha_entry(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct packet p = {};

    count(XDPHA_TRAFFIC_ALL);
    enum parse_result result = parse_packet(data, data_end, &p);
    if (p.vlan_tags)
        count(XDPHA_TRAFFIC_VLAN);
    if (result == PARSE_TRUNCATED) {
        count(XDPHA_TRAFFIC_TRUNCATED);
        return XDP_PASS;
    }
    if (result == PARSE_NOT_IP) {
        count(p.eth_proto == ETH_P_ARP ? XDPHA_TRAFFIC_ARP : XDPHA_TRAFFIC_OTHER);
        return XDP_PASS;
    }

    count(p.eth_proto == ETH_P_IP ? XDPHA_TRAFFIC_IPV4 : XDPHA_TRAFFIC_IPV6);
    if (p.fragment)
        count(XDPHA_TRAFFIC_FRAGMENT);
    if (p.options)
        count(XDPHA_TRAFFIC_IP_OPTIONS);

    switch (p.l4_proto) {
    case IPPROTO_ICMP:
    case IPPROTO_ICMPV6:
        count(XDPHA_TRAFFIC_ICMP);
        break;
    case XDPHA_IPPROTO_VRRP:
        count(XDPHA_TRAFFIC_VRRP);
        break;
    case IPPROTO_TCP:
        count(XDPHA_TRAFFIC_TCP);
        break;
    case IPPROTO_UDP:
        count(XDPHA_TRAFFIC_UDP);
        break;
    }

    __u32 ifindex = ctx->ingress_ifindex;
    struct xdpha_iface *iface = bpf_map_lookup_elem(&xdpha_ifaces, &ifindex);
    if (!iface)
        return XDP_PASS;

    int verdict;
    if (iface->flags & XDPHA_IFACE_VRRP_RX) {
        verdict = vrrp_stage(ctx, &p);
        if (verdict != STAGE_CONTINUE)
            return verdict;
    }
    if (iface->flags & XDPHA_IFACE_DR_STEER) {
        verdict = dr_stage(ctx, &p);
        if (verdict != STAGE_CONTINUE)
            return verdict;
    }
    return XDP_PASS;
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
