/*
 * dr_hash.h: the flow hash of the DR stage (XDPHA_DR_SCHED_HASH services).
 *
 * Two directors with the same configuration must send a flow to the same real, and the Swift
 * tests must predict the choice, so the hash is fixed and written out in full on both sides
 * (Sources/Balancer/FlowHash.swift): MurmurHash3's 32-bit block mixing and finaliser, seeded
 * with XDPHA_DR_HASH_SEED, over the ten 32-bit words of a struct xdpha_dr_flow_key read in
 * network (big-endian) byte order. Fields the service does not hash on are taken as zero; the
 * family byte always counts.
 */
#ifndef XDPHA_DR_HASH_H
#define XDPHA_DR_HASH_H

#include <linux/types.h>
#include <bpf/bpf_endian.h>
#include "xdpha_maps.h"

#define DR_HASH_WORDS 10

static __always_inline __u32 dr_rotl32(__u32 x, int r)
{
    return (x << r) | (x >> (32 - r));
}

static __always_inline __u32 dr_hash_mix(__u32 h, __u32 word)
{
    word *= 0xcc9e2d51u;
    word = dr_rotl32(word, 15);
    word *= 0x1b873593u;
    h ^= word;
    h = dr_rotl32(h, 13);
    return h * 5 + 0xe6546b64u;
}

static __always_inline __u32 dr_hash_finish(__u32 h)
{
    h ^= DR_HASH_WORDS * 4;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

static __always_inline __u32 dr_flow_hash(const struct xdpha_dr_flow_key *key, __u8 fields)
{
    __u32 h = XDPHA_DR_HASH_SEED;
    __u32 src_mask = (fields & XDPHA_DR_HASH_SRC_ADDR) ? 0xFFFFFFFFu : 0;
    __u32 dst_mask = (fields & XDPHA_DR_HASH_DST_ADDR) ? 0xFFFFFFFFu : 0;

#pragma unroll
    for (int i = 0; i < 4; i++)
        h = dr_hash_mix(h, bpf_ntohl(key->src[i]) & src_mask);
#pragma unroll
    for (int i = 0; i < 4; i++)
        h = dr_hash_mix(h, bpf_ntohl(key->dst[i]) & dst_mask);

    __u32 sport = (fields & XDPHA_DR_HASH_SRC_PORT) ? bpf_ntohs(key->sport) : 0;
    __u32 dport = (fields & XDPHA_DR_HASH_DST_PORT) ? bpf_ntohs(key->dport) : 0;
    h = dr_hash_mix(h, (sport << 16) | dport);

    __u32 proto = (fields & XDPHA_DR_HASH_PROTO) ? key->proto : 0;
    h = dr_hash_mix(h, (proto << 24) | ((__u32)key->family << 16));
    return dr_hash_finish(h);
}

#endif /* XDPHA_DR_HASH_H */
