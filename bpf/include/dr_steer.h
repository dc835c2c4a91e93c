/*
 * dr_steer.h: the LVS-DR steering stage of the entry program.
 *
 * For a TCP or UDP packet to a configured (VIP, port, protocol) it picks a real server (the
 * connection table, dr_conns.h, so established flows keep their real while rings change; then
 * the service's persistence entry; then the service's ring) and rewrites only the Ethernet
 * addresses: the real owns the VIP on a loopback and answers the client directly. Everything not
 * addressed to a VIP continues after one hash lookup; what is addressed to a VIP but cannot be
 * steered here (fragments, IP options, other protocols, unknown ports) goes to the kernel and is
 * counted by reason in xdpha_dr_outcomes. The map layouts are documented in xdpha_maps.h.
 */
#ifndef XDPHA_DR_STEER_H
#define XDPHA_DR_STEER_H

#include <linux/tcp.h>
#include <linux/udp.h>
#include "dr_conns.h"
#include "dr_hash.h"
#include "dr_maps.h"

#define DR_NSEC_PER_SEC 1000000000ull

static __always_inline void dr_count_outcome(__u32 outcome)
{
    __u64 *value = bpf_map_lookup_elem(&xdpha_dr_outcomes, &outcome);
    if (value)
        *value += 1;
}

/* A frame for a VIP that this stage leaves to the kernel. */
static __always_inline int dr_pass(__u32 outcome)
{
    dr_count_outcome(outcome);
    return XDP_PASS;
}

/* A forwarded frame's one counter update: its real's (see xdpha_maps.h for what is derived). */
static __always_inline void dr_count_forwarded(__u32 index, __u64 bytes, int new_flow, int redirected)
{
    struct xdpha_dr_stats *stats = bpf_map_lookup_elem(&xdpha_dr_real_stats, &index);
    if (!stats)
        return;
    stats->packets += 1;
    stats->bytes += bytes;
    stats->new_flows += new_flow;
    stats->redirected += redirected;
}

/* Fills the addresses and family of `flow` from the IP header; -1 when there is none. */
static __always_inline int dr_read_addresses(void *data, void *data_end, const struct packet *p,
                                             struct xdpha_dr_flow_key *flow)
{
    if (p->eth_proto == ETH_P_IP) {
        struct iphdr *ip = data + p->l3_off;
        if ((void *)(ip + 1) > data_end)
            return -1;
        flow->src[0] = ip->saddr;
        flow->dst[0] = ip->daddr;
        flow->family = XDPHA_DR_FAMILY_IPV4;
        return 0;
    }
    if (p->eth_proto == ETH_P_IPV6) {
        struct ipv6hdr *ip6 = data + p->l3_off;
        if ((void *)(ip6 + 1) > data_end)
            return -1;
        __builtin_memcpy(flow->src, &ip6->saddr, sizeof(flow->src));
        __builtin_memcpy(flow->dst, &ip6->daddr, sizeof(flow->dst));
        flow->family = XDPHA_DR_FAMILY_IPV6;
        return 0;
    }
    return -1;
}

/* Fills the ports of `flow`, and `opening` when the frame is a TCP SYN without ACK (a client
 * opening a connection); -1 when the TCP or UDP header is cut short. */
static __always_inline int dr_read_ports(void *data, void *data_end, const struct packet *p,
                                         struct xdpha_dr_flow_key *flow, int *opening)
{
    if (p->l4_proto == IPPROTO_TCP) {
        struct tcphdr *tcp = data + p->l4_off;
        if ((void *)(tcp + 1) > data_end)
            return -1;
        flow->sport = tcp->source;
        flow->dport = tcp->dest;
        *opening = tcp->syn && !tcp->ack;
    } else {
        struct udphdr *udp = data + p->l4_off;
        if ((void *)(udp + 1) > data_end)
            return -1;
        flow->sport = udp->source;
        flow->dport = udp->dest;
    }
    flow->proto = p->l4_proto;
    return 0;
}

/* The service of `key` (8-byte aligned) from the service index (xdpha_maps.h), or 0 when the
 * index does not hold it. */
static __always_inline struct xdpha_dr_service *dr_service_indexed(const struct xdpha_dr_service_key *key)
{
    __u32 zero = 0;
    void *index = bpf_map_lookup_elem(&xdpha_dr_service_index, &zero);
    if (!index)
        return 0;
    __u32 first = dr_service_slot(key);
    const __u64 *want = (const __u64 *)key;
#pragma unroll
    for (int i = 0; i < XDPHA_DR_SERVICE_PROBES; i++) {
        __u32 at = (first + i) & (XDPHA_DR_SERVICE_SLOTS - 1);
        struct xdpha_dr_service_slot *slot = bpf_map_lookup_elem(index, &at);
        if (!slot || slot->key.family == 0)
            return 0;
        const __u64 *have = (const __u64 *)&slot->key;
        if (have[0] == want[0] && have[1] == want[1] && ((const __u32 *)have)[4] == ((const __u32 *)want)[4])
            return &slot->service;
    }
    return 0;
}

static __always_inline struct xdpha_dr_real *dr_real(__u32 index)
{
    if (index >= XDPHA_DR_MAX_REALS)
        return 0;
    return bpf_map_lookup_elem(&xdpha_dr_reals, &index);
}

/* True when `real` is still the real a connection-table slot recorded. */
static __always_inline int dr_flow_still_valid(const struct xdpha_dr_real *real, __u32 generation)
{
    return real && (real->flags & XDPHA_DR_REAL_IN_USE) && real->generation == generation;
}

/* True when `real` still is the real a flow or a client was given, in this service. */
static __always_inline int dr_real_is(const struct xdpha_dr_real *real, __u32 service_id, __u32 generation)
{
    return dr_flow_still_valid(real, generation) && real->service_id == service_id;
}

/* The real the service's ring gives this flow (`digest`: its dr_key_hash), or XDPHA_DR_NO_REAL. */
static __always_inline __u32 dr_ring_pick(const struct xdpha_dr_service *svc,
                                          const struct xdpha_dr_flow_key *flow, __u64 digest)
{
    __u32 id = svc->id;
    void *ring = bpf_map_lookup_elem(&xdpha_dr_rings, &id);
    if (!ring)
        return XDPHA_DR_NO_REAL;
    __u32 zero = 0;
    struct xdpha_dr_ring_block *head = bpf_map_lookup_elem(ring, &zero);
    if (!head)
        return XDPHA_DR_NO_REAL;
    __u32 slots = head->lane[0] | (__u32)head->lane[1] << 16;
    if (slots == 0 || slots > XDPHA_DR_RING_SLOTS)
        return XDPHA_DR_NO_REAL;

    __u32 position;
    if (svc->scheduler == XDPHA_DR_SCHED_WALK) {
        __u32 *cursor = bpf_map_lookup_elem(&xdpha_dr_cursors, &id);
        if (!cursor)
            return XDPHA_DR_NO_REAL;
        position = *cursor % slots;
        *cursor = position + 1;
    } else {
        position = dr_ring_position(dr_flow_hash(flow, svc->hash_fields, digest), slots);
    }
    __u32 block = 1 + position / XDPHA_DR_RING_LANES;
    struct xdpha_dr_ring_block *lanes = bpf_map_lookup_elem(ring, &block);
    return lanes ? lanes->lane[position % XDPHA_DR_RING_LANES] : XDPHA_DR_NO_REAL;
}

/*
 * A real for a flow the connection table does not know: the client's persistence entry while it
 * is fresh and its real still takes new flows, else the ring. Returns the real's index.
 */
static __always_inline __u32 dr_schedule(const struct xdpha_dr_service *svc,
                                         const struct xdpha_dr_flow_key *flow, __u64 digest)
{
    __u64 timeout = (__u64)svc->persistence_timeout * DR_NSEC_PER_SEC;
    struct xdpha_dr_persist_key client = {};
    __u64 now = 0;

    if (timeout) {
        client.service_id = svc->id;
        client.family = flow->family;
        __builtin_memcpy(client.client, flow->src, sizeof(client.client));
        now = bpf_ktime_get_ns();
        struct xdpha_dr_persist *pinned = bpf_map_lookup_elem(&xdpha_dr_persist, &client);
        if (pinned && now - pinned->last_ns <= timeout) {
            struct xdpha_dr_real *real = dr_real(pinned->real);
            if (dr_real_is(real, svc->id, pinned->generation) && (real->flags & XDPHA_DR_REAL_ACTIVE)) {
                pinned->last_ns = now;
                return pinned->real;
            }
        }
    }

    __u32 index = dr_ring_pick(svc, flow, digest);
    if (timeout && index != XDPHA_DR_NO_REAL) {
        struct xdpha_dr_real *real = dr_real(index);
        if (real) {
            struct xdpha_dr_persist pin = { .real = index, .generation = real->generation, .last_ns = now };
            bpf_map_update_elem(&xdpha_dr_persist, &client, &pin, BPF_ANY);
        }
    }
    return index;
}

/* Sends the frame to `real` (index `index`) and counts it; or passes it when that cannot be done. */
static __always_inline int dr_forward(struct xdp_md *ctx, const struct xdpha_dr_real *real, __u32 index,
                                      int new_flow)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;

    if (!(real->flags & XDPHA_DR_REAL_RESOLVED))
        return dr_pass(XDPHA_DR_PASS_UNRESOLVED);

    int verdict = XDP_TX;
    if (real->ifindex != 0 && real->ifindex != ctx->ingress_ifindex) {
        /* Asked before the rewrite: a frame the kernel gets back must keep its own addresses. */
        verdict = bpf_redirect_map(&xdpha_dr_egress, real->ifindex, XDP_PASS);
        if (verdict != XDP_REDIRECT)
            return dr_pass(XDPHA_DR_PASS_NO_EGRESS);
    }

    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > data_end)
        return XDP_PASS;
    __builtin_memcpy(eth->h_dest, real->dmac, ETH_ALEN);
    __builtin_memcpy(eth->h_source, real->smac, ETH_ALEN);

    dr_count_forwarded(index, data_end - data, new_flow, verdict == XDP_REDIRECT);
    return verdict;
}

/*
 * The frame of a flow that the table holds, sent to its real when that real still has the
 * generation the slot recorded; else STAGE_CONTINUE. `way` gets the flow's slot, or
 * DR_CONN_NONE: a flow whose real left keeps its slot.
 */
static __always_inline int dr_follow_known(struct xdp_md *ctx, struct dr_conn_place place, __u64 digest,
                                           int *way)
{
    int found = dr_conn_find(place, digest);
    *way = found;
    if (found == DR_CONN_NONE)
        return STAGE_CONTINUE;
    found &= XDPHA_DR_CONN_WAYS - 1;
    __u32 index = place.set->real[found];
    struct xdpha_dr_real *real = dr_real(index);
    if (!dr_flow_still_valid(real, place.set->generation[found]))
        return STAGE_CONTINUE;
    dr_conn_touch(place, found, dr_conn_now());
    return dr_forward(ctx, real, index, 0);
}

/*
 * The stage. The connection table is asked first, before the VIP and service maps: a packet of
 * an established flow (most of a director's traffic) then costs one read of one cache line. That
 * needs no service lookup to check the entry: a real's (index, generation) names one real of one
 * service key for its whole life (the planner gives a new generation whenever an index changes
 * hands), the flow's digest covers that service key's address, port and protocol, and the reals
 * of a removed service are cleared, so an entry whose real still has its generation is this
 * service's real.
 *
 * A TCP SYN (a client opening a connection) is a new connection and never asks the table, as in
 * Katran: its service (from the service index, no VIP lookup first), its scheduler, then its
 * entry written without reading its set (dr_conns.h says why). A retransmitted SYN or a client
 * reusing its port therefore follows the current ring, and that entry then is the flow's.
 */
static __always_inline int dr_steer(struct xdp_md *ctx, struct packet *p, struct xdpha_dr_flow_key *flow,
                                    int ports_read, const int opening)
{
    struct dr_conn_place place = {};
    __u8 order = 0;
    int way = DR_CONN_NONE;
    __u64 digest = 0;
    if (ports_read) {
        digest = dr_key_hash(flow);
        place = dr_conn_place(digest);
        /* A SYN reads its set's order byte now and uses it at its end: the load then overlaps
         * the service lookup and the ring instead of holding up the write. */
        if (place.set && opening)
            order = dr_conn_order(place);
        if (place.set && !opening) {
            int verdict = dr_follow_known(ctx, place, digest, &way);
            if (verdict != STAGE_CONTINUE)
                return verdict;
        }
    }

    /* Read as 64-bit words by dr_service_slot() and dr_service_indexed(). */
    struct xdpha_dr_service_key key __attribute__((aligned(8))) = {
        .port = flow->dport, .proto = flow->proto, .family = flow->family,
    };
    __builtin_memcpy(key.addr, flow->dst, sizeof(key.addr));
    struct xdpha_dr_service *svc = 0;
    /* A SYN asks the service index first; other frames ask for the VIP first, so that traffic not
     * for a VIP leaves after one lookup. */
    if (opening)
        svc = dr_service_indexed(&key);
    if (!svc) {
        struct xdpha_dr_vip_key vip = { .family = flow->family };
        __builtin_memcpy(vip.addr, flow->dst, sizeof(vip.addr));
        if (!bpf_map_lookup_elem(&xdpha_dr_vips, &vip))
            return STAGE_CONTINUE;

        /* For a VIP from here on: whatever is not steered is counted by reason. */
        if (p->fragment)
            return dr_pass(XDPHA_DR_PASS_FRAGMENT);
        if (p->options)
            return dr_pass(XDPHA_DR_PASS_IP_OPTIONS);
        if (p->l4_proto != IPPROTO_TCP && p->l4_proto != IPPROTO_UDP)
            return dr_pass(XDPHA_DR_PASS_NOT_TCP_UDP);
        if (!ports_read)
            return dr_pass(XDPHA_DR_PASS_TRUNCATED);
        svc = bpf_map_lookup_elem(&xdpha_dr_services, &key);
        if (!svc)
            return dr_pass(XDPHA_DR_PASS_NO_SERVICE);
    }

    /* Not in the table, or its real left, or a SYN: a real for a new flow. */
    __u32 index = dr_schedule(svc, flow, digest);
    struct xdpha_dr_real *real = dr_real(index);
    if (!real || !(real->flags & XDPHA_DR_REAL_IN_USE) || real->service_id != svc->id)
        return dr_pass(XDPHA_DR_PASS_NO_REAL);
    if (place.set) {
        __u16 now = dr_conn_now();
        if (opening)
            dr_conn_claim(place, order, digest, index, real->generation, now);
        else
            dr_conn_insert(place, way, digest, index, real->generation, now);
    }
    return dr_forward(ctx, real, index, 1);
}

static __always_inline int dr_stage(struct xdp_md *ctx, struct packet *p)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    /* Read as five 64-bit words by dr_key_hash(). */
    struct xdpha_dr_flow_key flow __attribute__((aligned(8))) = {};

    if (dr_read_addresses(data, data_end, p, &flow) < 0)
        return STAGE_CONTINUE;

    int steerable = !p->fragment && !p->options &&
                    (p->l4_proto == IPPROTO_TCP || p->l4_proto == IPPROTO_UDP);
    int opening = 0;
    int ports_read = steerable && dr_read_ports(data, data_end, p, &flow, &opening) == 0;
    /* Two copies of the stage, one for SYNs: what only a SYN needs (its early read of the order
     * byte, the service index) then takes no register on the path of every other frame. */
    if (opening)
        return dr_steer(ctx, p, &flow, ports_read, 1);
    return dr_steer(ctx, p, &flow, ports_read, 0);
}

#endif /* XDPHA_DR_STEER_H */
