/*
 * dr_hash.h: the DR stage's one hash of a flow, struct xdpha_dr_flow_key. It places a flow in the
 * connection table (dr_conns.h: the digest) and, for XDPHA_DR_SCHED_HASH services, picks its ring
 * slot (over the key with the fields the service does not hash on zeroed; the family byte always
 * counts). A service that hashes the whole flow (mh's default) reuses the digest, so a new flow
 * is hashed once.
 *
 * Two directors with the same configuration must send a flow to the same real, and the Swift
 * tests must predict the choice, so Swift computes the same (Sources/Balancer/FlowHash.swift): a
 * multiply-xorshift over the key's five 64-bit words as the CPU loads them. The key's bytes are
 * fixed (addresses and ports in network order), so directors of one byte order agree (every
 * x86-64 and arm64 one); a big-endian director would pick other slots.
 *
 * Not keyed by a secret: dr_conns.h says what someone who knows the hash can do.
 */
#ifndef XDPHA_DR_HASH_H
#define XDPHA_DR_HASH_H

#include <linux/types.h>
#include "xdpha_maps.h"

#define DR_HASH_MULTIPLIER 0xff51afd7ed558ccdull
#define DR_KEY_WORDS (sizeof(struct xdpha_dr_flow_key) / sizeof(__u64))

_Static_assert(sizeof(struct xdpha_dr_flow_key) == 40, "flow key: five 64-bit words");
_Static_assert(sizeof(struct xdpha_dr_service_key) == 20, "service key: two 64-bit words and a 32-bit one");

/* One step of the hash: a word in. */
static __always_inline __u64 dr_mix(__u64 h, __u64 word)
{
    h = (h ^ word) * DR_HASH_MULTIPLIER;
    return h ^ (h >> 32);
}

/* The key's hash. Never 0, which marks a free connection slot. */
static __always_inline __u64 dr_key_hash(const struct xdpha_dr_flow_key *key)
{
    const __u64 *word = (const __u64 *)key;
    __u64 h = XDPHA_DR_CONN_SEED;
#pragma unroll
    for (int i = 0; i < DR_KEY_WORDS; i++)
        h = dr_mix(h, word[i]);
    h *= DR_HASH_MULTIPLIER;
    return h ? h : 1;
}

/* The service index's first slot for a service key (xdpha_maps.h): the same steps over the
 * address's two 64-bit words and the last 32 bits (port, protocol, family); the top bits. `key`
 * must be 8-byte aligned. */
static __always_inline __u32 dr_service_slot(const struct xdpha_dr_service_key *key)
{
    const __u64 *word = (const __u64 *)key;
    __u64 h = dr_mix(dr_mix(XDPHA_DR_CONN_SEED, word[0]), word[1]);
    h = dr_mix(h, ((const __u32 *)key)[4]) * DR_HASH_MULTIPLIER;
    return (__u32)(h >> (64 - XDPHA_DR_SERVICE_SLOT_BITS));
}

/* The hash a service with these hash fields schedules `key` by; `digest` is dr_key_hash(key). */
static __always_inline __u64 dr_flow_hash(const struct xdpha_dr_flow_key *key, __u8 fields, __u64 digest)
{
    if (fields == XDPHA_DR_HASH_ALL)
        return digest;
    struct xdpha_dr_flow_key masked __attribute__((aligned(8))) = {
        .sport = (fields & XDPHA_DR_HASH_SRC_PORT) ? key->sport : 0,
        .dport = (fields & XDPHA_DR_HASH_DST_PORT) ? key->dport : 0,
        .proto = (fields & XDPHA_DR_HASH_PROTO) ? key->proto : 0,
        .family = key->family,
    };
    if (fields & XDPHA_DR_HASH_SRC_ADDR)
        __builtin_memcpy(masked.src, key->src, sizeof(masked.src));
    if (fields & XDPHA_DR_HASH_DST_ADDR)
        __builtin_memcpy(masked.dst, key->dst, sizeof(masked.dst));
    return dr_key_hash(&masked);
}

/* The slot of an n-slot ring for `hash`: its low 32 bits scaled to n (a multiply, not a divide). */
static __always_inline __u32 dr_ring_position(__u64 hash, __u32 slots)
{
    return (__u32)(((hash & 0xffffffffull) * slots) >> 32);
}

#endif /* XDPHA_DR_HASH_H */
