/*
 * parse.h: header parsing for the XDP entry program. Every read is bounds-checked against
 * data_end before it happens; the verifier rejects the program otherwise.
 */
#ifndef XDPHA_PARSE_H
#define XDPHA_PARSE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include <bpf/bpf_endian.h>
#include "xdpha_maps.h"

#ifndef ETH_P_8021AD
#define ETH_P_8021AD 0x88A8
#endif

struct vlan_tag {
    __be16 tci;
    __be16 inner_proto;
};

/* What the entry program learned of a frame; offsets are from the start of the frame. */
struct packet {
    __u16 eth_proto;   /* host order, after VLAN tags */
    __u16 l3_off;
    __u16 l4_off;
    __u8  l4_proto;    /* IPPROTO_*, or 0 for non-IP */
    __u8  vlan_tags;
    __u8  fragment;    /* non-first or first fragment: not for the fast path */
    __u8  options;     /* IPv4 options or IPv6 extension headers present */
    __u8  ttl;         /* TTL or hop limit */
};

enum parse_result {
    PARSE_OK = 0,
    PARSE_TRUNCATED,
    PARSE_NOT_IP,
};

static __always_inline enum parse_result parse_packet(void *data, void *data_end, struct packet *p)
{
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > data_end)
        return PARSE_TRUNCATED;

    __u16 proto = bpf_ntohs(eth->h_proto);
    __u16 off = sizeof(*eth);

#pragma unroll
    for (int i = 0; i < 2; i++) {
        if (proto != ETH_P_8021Q && proto != ETH_P_8021AD)
            break;
        struct vlan_tag *tag = data + off;
        if ((void *)(tag + 1) > data_end)
            return PARSE_TRUNCATED;
        proto = bpf_ntohs(tag->inner_proto);
        off += sizeof(*tag);
        p->vlan_tags++;
    }
    p->eth_proto = proto;
    p->l3_off = off;

    if (proto == ETH_P_IP) {
        struct iphdr *ip = data + off;
        if ((void *)(ip + 1) > data_end)
            return PARSE_TRUNCATED;
        if (ip->ihl < 5)
            return PARSE_TRUNCATED;
        __u16 hdr_len = ip->ihl * 4;
        if (data + off + hdr_len > data_end)
            return PARSE_TRUNCATED;
        p->options = ip->ihl > 5;
        p->fragment = (ip->frag_off & bpf_htons(0x3FFF)) != 0;
        p->l4_proto = ip->protocol;
        p->ttl = ip->ttl;
        p->l4_off = off + hdr_len;
        return PARSE_OK;
    }
    if (proto == ETH_P_IPV6) {
        struct ipv6hdr *ip6 = data + off;
        if ((void *)(ip6 + 1) > data_end)
            return PARSE_TRUNCATED;
        __u8 next = ip6->nexthdr;
        /* The fast path handles no extension headers: flag them and let the kernel decide. */
        switch (next) {
        case IPPROTO_HOPOPTS: case IPPROTO_ROUTING: case IPPROTO_DSTOPTS:
        case IPPROTO_AH: case IPPROTO_ESP: case 135 /* mobility */:
            p->options = 1;
            break;
        case IPPROTO_FRAGMENT:
            p->fragment = 1;
            break;
        }
        p->l4_proto = next;
        p->ttl = ip6->hop_limit;
        p->l4_off = off + sizeof(*ip6);
        return PARSE_OK;
    }
    return PARSE_NOT_IP;
}

#endif /* XDPHA_PARSE_H */
