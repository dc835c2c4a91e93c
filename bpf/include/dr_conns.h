/*
 * dr_conns.h: the DR stage's connection table, a set-associative table in an ARRAY map
 * (layout in xdpha_maps.h: one 64-byte set per flow digest, four slots in it).
 *
 * Why not an LRU hash: measured side by side (xdpha-bench --packet-cost-only --compare), a new
 * flow into the full LRU hash (common LRU list) cost about 1.8 times what it costs here, and an
 * established flow's lookup about 20 ns more: the LRU lists, eviction under their lock, the
 * victim's bucket and element and the new element are cold cache lines one after the other, and
 * every lookup is a call chain with a jhash over the 40-byte key. Here a flow costs a few
 * multiplications and one inlined array read of one cache line, for a lookup and for an insert
 * alike, and the table is 4 MB for 2^18 flows (the LRU hash took several times that). No lock is
 * taken anywhere. Per-CPU LRU lists (BPF_F_NO_COMMON_LRU) had measured worse than the common
 * one for new flows.
 *
 * A slot holds the flow's 64-bit digest, not its key: two flows of one set share a digest with
 * odds of 2^-48 (the set number takes 16 of the 64 bits), and a flow that did would be sent to
 * the other's real, nothing worse (the other flow keeps its slot and real). The digest is not
 * keyed by a secret: someone who knows a victim's flow can craft a packet that follows it to its
 * real, or fill the victim's set to push it out, which only sends the victim's next packet to
 * the scheduler again (the same real unless the ring changed since the flow began).
 *
 * Races, and why they are tolerable (CPUs write slots without locks):
 *  - Two CPUs that insert into the same set at once may take the same slot: the last write wins
 *    and the other flow finds no entry on its next packet, so it is scheduled again, to the same
 *    real unless the ring changed in between (what an evicted flow of an LRU hash risks too).
 *  - A slot is rewritten digest last, after its digest was cleared, so a reader never matches a
 *    half-written slot (x86 keeps stores in order; the barriers keep the compiler from moving
 *    them). A reader that matched the old digest just before may still read the new real: that
 *    is the flow being replaced, the least recently seen of its set, losing its slot in that
 *    instant anyway; one of its packets follows the new real (or, with a mixed real and
 *    generation, is scheduled again).
 *  - `seen` is written without care: a late store of an older time only makes a slot look older.
 */
#ifndef XDPHA_DR_CONNS_H
#define XDPHA_DR_CONNS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "xdpha_maps.h"
#include "dr_hash.h"

#define DR_CONN_NONE (-1)
_Static_assert(sizeof(struct xdpha_dr_conn_set) == 64, "connection set: one cache line");
_Static_assert(XDPHA_DR_MAX_REALS <= 0x10000, "a real index fits a slot's 16 bits");
_Static_assert((XDPHA_DR_CONN_WAYS & (XDPHA_DR_CONN_WAYS - 1)) == 0, "ways: a power of two");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, XDPHA_DR_CONN_SETS);
    __uint(map_flags, BPF_F_MMAPABLE);
    __type(key, __u32);
    __type(value, struct xdpha_dr_conn_set);
} xdpha_dr_conns SEC(".maps");

/* Stops the compiler from moving stores across it (x86 keeps their order for other CPUs). */
#define dr_conn_barrier() __asm__ __volatile__("" ::: "memory")

static __always_inline struct xdpha_dr_conn_set *dr_conn_set(__u64 digest)
{
    __u32 number = (__u32)(digest >> (64 - XDPHA_DR_CONN_SET_BITS));
    return bpf_map_lookup_elem(&xdpha_dr_conns, &number);
}

/* The way of `set` that holds `digest`, or DR_CONN_NONE. */
static __always_inline int dr_conn_find(const struct xdpha_dr_conn_set *set, __u64 digest)
{
#pragma unroll
    for (int i = 0; i < XDPHA_DR_CONN_WAYS; i++) {
        if (set->digest[i] == digest)
            return i;
    }
    return DR_CONN_NONE;
}

/* Now in `seen` units. bpf_jiffies64() becomes one load on 64-bit JITs. */
static __always_inline __u16 dr_conn_now(void)
{
    return (__u16)(bpf_jiffies64() >> XDPHA_DR_CONN_SEEN_SHIFT);
}

static __always_inline void dr_conn_touch(struct xdpha_dr_conn_set *set, int way, __u16 now)
{
    way &= XDPHA_DR_CONN_WAYS - 1;
    if (set->seen[way] != now)   /* one store per tick, not per packet: the line stays shared */
        set->seen[way] = now;
}

/* The way a new flow takes: a free one, else the one seen least recently (wrapping ages). */
static __always_inline int dr_conn_victim(const struct xdpha_dr_conn_set *set, __u16 now)
{
    int victim = 0;
    __u16 oldest = 0;
#pragma unroll
    for (int i = 0; i < XDPHA_DR_CONN_WAYS; i++) {
        if (set->digest[i] == 0)
            return i;
        __u16 age = now - set->seen[i];
        if (age > oldest) {
            oldest = age;
            victim = i;
        }
    }
    return victim;
}

/* Records digest -> (real, generation) in `way`, digest last (see the races above). A slot that
 * already holds `digest` (its flow's real left) keeps it throughout. */
static __always_inline void dr_conn_write(struct xdpha_dr_conn_set *set, int way, __u64 digest,
                                          __u32 real, __u32 generation, __u16 now)
{
    way &= XDPHA_DR_CONN_WAYS - 1;
    int replace = set->digest[way] != digest;
    if (replace) {
        set->digest[way] = 0;
        dr_conn_barrier();
    }
    set->real[way] = (__u16)real;
    set->generation[way] = generation;
    set->seen[way] = now;
    if (replace) {
        dr_conn_barrier();
        set->digest[way] = digest;
    }
}

#endif /* XDPHA_DR_CONNS_H */
