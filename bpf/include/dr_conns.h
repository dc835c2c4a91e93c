/*
 * dr_conns.h: the DR stage's connection table, a set-associative table in an ARRAY map
 * (layout in xdpha_maps.h: one 64-byte set per flow digest, four slots in it), and beside it
 * one byte per set that says which slot the set gives away next.
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
 * Why the order byte: a TCP SYN is a new connection (as in Katran, it does not ask the table),
 * and its set is nearly always a cold cache line. A load of that line holds the packet up for the
 * whole memory latency; stores to it leave through the store buffer and hold nothing up. So a SYN
 * does not read its set: it takes the slot its order byte names first and moves that slot to the
 * end of the order, all in the order map: 64 KB, sixty-four times less than the table, so far
 * more often in cache. Measured side by side, a SYN that read its set (to find a free or the
 * least recently seen slot) cost about 100 ns more.
 * The order stays a least-recently-used list by `seen` tick: a flow's first frame in a new tick
 * moves its slot to the end (dr_conn_promote, which reads the order byte only), a new flow's slot
 * goes to the end when it is taken, and the insert of a flow that is not a SYN, which has the set
 * in hand, first sorts the order anew from the set (dr_conn_reorder: free slots first, then by
 * `seen`), which mends an order that went stale (a lost race, maps pinned by an older build).
 * A SYN therefore gives away a free slot, else the one seen least recently, so a flow that keeps
 * sending keeps its slot (a real drained to weight 0 keeps its connections).
 *
 * A slot holds the flow's 64-bit digest, not its key: two flows of one set share a digest with
 * odds of 2^-48 (the set number takes 16 of the 64 bits), and a flow that did would be sent to
 * the other's real, nothing worse (the other flow keeps its slot and real). The digest is not
 * keyed by a secret: someone who knows a victim's flow can craft a packet that follows it to its
 * real, or fill the victim's set to push it out, which only sends the victim's next packet to
 * the scheduler again (the same real unless the ring changed since the flow began).
 *
 * A SYN that comes again (a retransmission, a client reusing its port) gives its flow a second
 * slot; the one later in the order is the flow's entry (dr_conn_find), and the other, no longer
 * touched, goes first when the set needs a slot.
 *
 * Races, and why they are tolerable (CPUs write slots and order bytes without locks):
 *  - Two CPUs that insert into the same set at once may take the same slot: the last write wins
 *    and the other flow finds no entry on its next packet, so it is scheduled again, to the same
 *    real unless the ring changed in between (what an evicted flow of an LRU hash risks too). A
 *    reorder that read the set just before a SYN's write may put the SYN's slot first again: the
 *    next SYN of that set then takes it, with the same result for that flow.
 *  - A slot is rewritten digest last, after its digest was cleared, so a reader never matches a
 *    half-written slot (x86 keeps stores in order; the barriers keep the compiler from moving
 *    them). A reader that matched the old digest just before may still read the new real: that
 *    is the flow being replaced, losing its slot in that instant anyway; one of its packets
 *    follows the new real (or, with a mixed real and generation, is scheduled again).
 *  - An order byte is always written whole and always as an order of the four slots.
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
_Static_assert(sizeof(struct xdpha_dr_conn_order_line) == 64, "order bytes: one cache line");
_Static_assert(XDPHA_DR_MAX_REALS <= 0x10000, "a real index fits a slot's 16 bits");
_Static_assert(XDPHA_DR_CONN_WAYS == 4, "an order byte holds four slot numbers");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, XDPHA_DR_CONN_SETS);
    __uint(map_flags, BPF_F_MMAPABLE);
    __type(key, __u32);
    __type(value, struct xdpha_dr_conn_set);
} xdpha_dr_conns SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, XDPHA_DR_CONN_ORDER_LINES);
    __uint(map_flags, BPF_F_MMAPABLE);
    __type(key, __u32);
    __type(value, struct xdpha_dr_conn_order_line);
} xdpha_dr_conn_order SEC(".maps");

/* Stops the compiler from moving stores across it (x86 keeps their order for other CPUs). */
#define dr_conn_barrier() __asm__ __volatile__("" ::: "memory")

/* A flow's place in the table: its set, and its digest (which names the set's order byte too;
 * the stage holds the digest anyway, so this costs the hot path no register). */
struct dr_conn_place {
    struct xdpha_dr_conn_set *set;
    __u64 digest;
};

static __always_inline __u32 dr_conn_set_number(__u64 digest)
{
    return (__u32)(digest >> (64 - XDPHA_DR_CONN_SET_BITS));
}

/* Computes an address only: the set is not read here. */
static __always_inline struct dr_conn_place dr_conn_place(__u64 digest)
{
    __u32 number = dr_conn_set_number(digest);
    struct dr_conn_place place = { .set = bpf_map_lookup_elem(&xdpha_dr_conns, &number), .digest = digest };
    return place;
}

/* The set's order byte, looked up only where it is used: an established flow's frame (most of a
 * director's traffic) never needs it. */
static __always_inline __u8 *dr_conn_order_byte(struct dr_conn_place place)
{
    __u32 number = dr_conn_set_number(place.digest);
    __u32 line = number / XDPHA_DR_CONN_ORDERS_PER_LINE;
    struct xdpha_dr_conn_order_line *orders = bpf_map_lookup_elem(&xdpha_dr_conn_order, &line);
    return orders ? &orders->order[number % XDPHA_DR_CONN_ORDERS_PER_LINE] : 0;
}

/* The slot at `rank` of an order (0: given away first). */
static __always_inline int dr_conn_ranked(__u8 order, int rank)
{
    return (order >> (2 * rank)) & (XDPHA_DR_CONN_WAYS - 1);
}

/* A set's order byte, decoded. */
static __always_inline __u8 dr_conn_order(struct dr_conn_place place)
{
    __u8 *byte = dr_conn_order_byte(place);
    return (byte ? *(volatile __u8 *)byte : 0) ^ XDPHA_DR_CONN_ORDER_IDENTITY;
}

/* Stores an order (decoded) as the set's order byte. */
static __always_inline void dr_conn_set_order(struct dr_conn_place place, __u8 order)
{
    __u8 *byte = dr_conn_order_byte(place);
    if (byte)
        *byte = order ^ XDPHA_DR_CONN_ORDER_IDENTITY;
}

/* Of the slots that hold `digest` (two or more), the one later in the set's order. Not inlined
 * (nor is anything else off the established flow's path), so that the registers the compiler
 * spends on it do not cost that path spills. */
static __noinline int dr_conn_newest(struct xdpha_dr_conn_set *set, __u64 digest)
{
    struct dr_conn_place place = { .set = set, .digest = digest };
    __u8 order = dr_conn_order(place);
    int found = DR_CONN_NONE;
#pragma unroll
    for (int rank = 0; rank < XDPHA_DR_CONN_WAYS; rank++) {
        int way = dr_conn_ranked(order, rank);
        if (set->digest[way] == digest)
            found = way;
    }
    return found;
}

/* The way that holds `digest`, or DR_CONN_NONE. A flow that holds one slot (nearly every flow)
 * costs the compares up to its slot and after it; the order byte is read only when two slots
 * hold the flow: then the later in the order is its entry. */
static __always_inline int dr_conn_find(struct dr_conn_place place, __u64 digest)
{
#pragma unroll
    for (int i = 0; i < XDPHA_DR_CONN_WAYS; i++) {
        if (place.set->digest[i] != digest)
            continue;
#pragma unroll
        for (int j = i + 1; j < XDPHA_DR_CONN_WAYS; j++) {
            if (place.set->digest[j] == digest)
                goto twice;
        }
        return i;
    }
    return DR_CONN_NONE;
twice:
    return dr_conn_newest(place.set, digest);
}

/* Now in `seen` units. bpf_jiffies64() becomes one load on 64-bit JITs. */
static __always_inline __u16 dr_conn_now(void)
{
    return (__u16)(bpf_jiffies64() >> XDPHA_DR_CONN_SEEN_SHIFT);
}

/*
 * Writes the set's order anew from what it holds: free slots first, then the one seen least
 * recently first; slots seen equally long ago keep the order they had (so a SYN's slot, moved
 * to the end when it was taken, stays after an older slot of its tick). A stable sort of four:
 * three passes of adjacent swaps. Returns the order, decoded.
 */
static __noinline __u8 dr_conn_reorder(struct xdpha_dr_conn_set *set, __u64 digest, __u16 now)
{
    struct dr_conn_place place = { .set = set, .digest = digest };
    __u8 old = dr_conn_order(place);
    int way[XDPHA_DR_CONN_WAYS];
    __u32 age[XDPHA_DR_CONN_WAYS];
#pragma unroll
    for (int rank = 0; rank < XDPHA_DR_CONN_WAYS; rank++) {
        way[rank] = dr_conn_ranked(old, rank);
        age[rank] = set->digest[way[rank]] == 0 ? 0x10000 : (__u16)(now - set->seen[way[rank]]);
    }
#pragma unroll
    for (int pass = 0; pass < XDPHA_DR_CONN_WAYS - 1; pass++) {
#pragma unroll
        for (int i = 0; i < XDPHA_DR_CONN_WAYS - 1; i++) {
            if (age[i] < age[i + 1]) {
                __u32 a = age[i];
                int w = way[i];
                age[i] = age[i + 1];
                way[i] = way[i + 1];
                age[i + 1] = a;
                way[i + 1] = w;
            }
        }
    }
    __u8 order = way[0] | way[1] << 2 | way[2] << 4 | way[3] << 6;
    if (order != old)
        dr_conn_set_order(place, order);
    return order;
}

/* Moves `way` to the end of the set's order: it was just seen. Reads the order byte only. */
static __noinline void dr_conn_promote(struct xdpha_dr_conn_set *set, __u64 digest, int way)
{
    struct dr_conn_place place = { .set = set, .digest = digest };
    __u8 order = dr_conn_order(place);
    int rank = 0;
#pragma unroll
    for (int r = 1; r < XDPHA_DR_CONN_WAYS; r++) {
        if (dr_conn_ranked(order, r) == way)
            rank = r;
    }
    __u8 before = order & ((1u << (2 * rank)) - 1);
    __u8 after = (__u8)((__u32)order >> (2 * rank + 2));
    __u8 promoted = before | after << (2 * rank) | (way & (XDPHA_DR_CONN_WAYS - 1)) << 6;
    if (promoted != order)
        dr_conn_set_order(place, promoted);
}

/* A flow's frame in a new tick marks its slot seen (one store per tick, not per packet: the line
 * stays shared) and moves the slot to the end of the set's order, so the set's slots stay in the
 * order they were last seen in (a least-recently-used list, by tick). */
static __always_inline void dr_conn_touch(struct dr_conn_place place, int way, __u16 now)
{
    way &= XDPHA_DR_CONN_WAYS - 1;
    if (place.set->seen[way] != now) {
        place.set->seen[way] = now;
        dr_conn_promote(place.set, place.digest, way);
    }
}

/* Records digest -> (real, generation) in `way`, digest last (see the races above). `replace`:
 * the slot holds another flow's digest (or none); a slot that already holds `digest` (its flow's
 * real left) keeps it throughout. */
static __always_inline void dr_conn_write(struct xdpha_dr_conn_set *set, int way, __u64 digest,
                                          __u32 real, __u32 generation, __u16 now, int replace)
{
    way &= XDPHA_DR_CONN_WAYS - 1;
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

/* A new flow into the slot its set gives away first by `order` (decoded, dr_conn_order()), which
 * moves to the end of the order; stores only (the header says why). */
static __always_inline void dr_conn_claim(struct dr_conn_place place, __u8 order, __u64 digest, __u32 real,
                                          __u32 generation, __u16 now)
{
    int way = dr_conn_ranked(order, 0);
    dr_conn_set_order(place, (__u8)((order >> 2) | way << 6));
    dr_conn_write(place.set, way, digest, real, generation, now, 1);
}

/*
 * A flow that is not a SYN, scheduled again: into `way` when its lookup found it there (its real
 * left), else, the set being in hand, after writing the set's order anew.
 */
static __always_inline void dr_conn_insert(struct dr_conn_place place, int way, __u64 digest, __u32 real,
                                           __u32 generation, __u16 now)
{
    if (way != DR_CONN_NONE) {
        dr_conn_write(place.set, way, digest, real, generation, now, 0);
        return;
    }
    dr_conn_claim(place, dr_conn_reorder(place.set, place.digest, now), digest, real, generation, now);
}

#endif /* XDPHA_DR_CONNS_H */
