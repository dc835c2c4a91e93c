/*
 * vrrp_rx.h: the VRRP advert reception stage of the entry program (issue: VRRP on the wire).
 *
 * For IP protocol 112 on an interface with XDPHA_IFACE_VRRP_RX, the stage validates the advert
 * as RFC 5798 section 7.1 (v3) and RFC 3768 section 7.1 (v2) ask: TTL/hop limit 255, version,
 * type, a length that matches the address count, the checksum, a VRID configured on this
 * interface, and for v2 the authentication. It counts every outcome per VRID, records the last
 * valid advert, and applies the VRID's drop-or-pass policy to its adverts, valid or not (RFC:
 * invalid ones are discarded; with "pass" the kernel decides). Everything that is not VRRP
 * continues untouched; VRRP that no configured VRID claims passes.
 *
 * Why the control plane is woken only on change: a backup's Master_Down_Timer needs just "when
 * did the master last speak". The stage runs that timer itself: a bpf_timer per VRID, restarted
 * by every advert that RFC 5798 section 6.4.2 says restarts it (any priority when not in preempt
 * mode, else a priority at least ours), armed only while the control plane marked us backup
 * (XDPHA_VRRP_CONFIG_MASTER_DOWN_TIMER). When it expires the control plane is woken with
 * XDPHA_VRRP_WAKE_MASTER_DOWN, so a backup's process does no work at all while a master speaks.
 * Measured first the other way (the control plane reading the record on its own timer): a
 * wakeup every Master_Down_Interval per VRID cost more than keepalived's per-advert read.
 * The stamp (bpf_ktime_get_ns, CLOCK_MONOTONIC) stays in the record for status and for the
 * timer's expiry. The control plane is also woken (ring buffer vrrp_events) when its state
 * machine must act before then: a new master address, a changed priority or interval,
 * priority 0 (the master is leaving: wait Skew_Time only), or any advert while it marked us
 * master (compare priorities).
 *
 * Why one value per VRID (vrrp_routers): with 255 VRIDs each advert finds the VRID's data cold
 * in the caches, and every map lookup is a hash bucket and an element to fetch. The first stage
 * looked up four maps per advert (configuration, record, counters, timer): 1.3-1.6 us per advert
 * in the lab (bpf_stats) against 0.44 us hot in BPF_PROG_TEST_RUN. Now an accepted advert looks
 * up vrrp_routers once (0.6 us in the lab, measured side by side with the four-map build); the
 * configuration is a copy inside it, refreshed from vrrp_config when
 * the control plane's generation number moved (user space cannot rewrite a value that holds a
 * bpf_timer without cancelling the timer, so it writes vrrp_config and bumps the generation).
 *
 * Layouts, flags and counter indices: xdpha_maps.h, section "VRRP advert reception".
 */
#ifndef XDPHA_VRRP_RX_H
#define XDPHA_VRRP_RX_H

#include <linux/bpf.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "xdpha_maps.h"
#include "parse.h"

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, XDPHA_VRRP_MAX_VRIDS);
    __type(key, struct xdpha_vrrp_key);
    __type(value, struct xdpha_vrrp_config);
} vrrp_config SEC(".maps");

/* Bumped by the control plane after each write to vrrp_config (never 0 once a VRID is set). */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u32);
} vrrp_config_generation SEC(".maps");

/* One VRID's everything. The head is user space's to read (xdpha_maps.h); the rest is
 * kernel-only: user space creates the value zero-filled by the map's value size. */
struct vrrp_router {
    struct xdpha_vrrp_state state;   /* last advert, accepted count */
    struct xdpha_vrrp_config config; /* vrrp_config[key] as of config_generation */
    __u32 config_generation;         /* 0: no copy yet */
    __u32 armed;                     /* Master_Down_Timer's hrtimer is running */
    __u64 restarted_ns;              /* the last advert that restarts Master_Down_Timer */
    __u32 timer_initialised;
    __u32 reserved;
    struct bpf_timer timer;          /* Master_Down_Timer */
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, XDPHA_VRRP_MAX_VRIDS);
    __type(key, struct xdpha_vrrp_key);
    __type(value, struct vrrp_router);
} vrrp_routers SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
    __uint(max_entries, XDPHA_VRRP_MAX_COUNTERS);
    __type(key, struct xdpha_vrrp_key);
    __type(value, struct xdpha_vrrp_counters);
} vrrp_counters SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, XDPHA_VRRP_EVENTS_BYTES);
} vrrp_events SEC(".maps");

/* The fixed part of an advert. Bytes 4 and 5 differ by version: v2 has Auth Type and Adver Int
 * (seconds); v3 has 4 reserved bits and a 12-bit Max Adver Int (centiseconds). */
struct vrrp_header {
    __u8   version_type;   /* version in the high nibble, type in the low one */
    __u8   vrid;
    __u8   priority;
    __u8   count;          /* Count IPvX Addrs */
    __u8   word[2];
    __sum16 checksum;
};

#define VRRP_TYPE_ADVERTISEMENT 1
#define VRRP_HEADER_LEN         8
/* The longest valid message: v3 over IPv6 with 255 addresses (8 + 255 * 16 = 4088 bytes). */
#define VRRP_MAX_MESSAGE        4096

struct vrrp_pseudo_v4 {      /* RFC 768 style, as RFC 5798 section 5.2.8 asks for IPv4 */
    __be32 saddr;
    __be32 daddr;
    __u8   zero;
    __u8   protocol;
    __be16 length;
};

struct vrrp_pseudo_v6 {      /* RFC 8200 section 8.1 */
    struct in6_addr saddr;
    struct in6_addr daddr;
    __be32 length;
    __u8   zero[3];
    __u8   next_header;
};

static __always_inline void vrrp_count(struct xdpha_vrrp_key *key, __u32 outcome)
{
    struct xdpha_vrrp_counters *counters = bpf_map_lookup_elem(&vrrp_counters, key);
    if (counters && outcome < XDPHA_VRRP_RX_MAX)
        counters->count[outcome] += 1;
}

/* Counts an outcome on the interface's unclaimed slot; the frame goes on to the kernel. */
static __always_inline int vrrp_unclaimed(struct xdpha_vrrp_key *key, __u32 outcome)
{
    key->vrid = XDPHA_VRRP_UNCLAIMED_VRID;
    vrrp_count(key, outcome);
    return XDP_PASS;
}

/* The verdict for an advert of a configured VRID, valid or not: the VRID's policy decides. */
static __always_inline int vrrp_handled(struct xdpha_vrrp_key *key, const struct xdpha_vrrp_config *config,
                                        __u32 outcome)
{
    vrrp_count(key, outcome);
    return (config->flags & XDPHA_VRRP_CONFIG_DROP) ? XDP_DROP : XDP_PASS;
}

static __always_inline __u32 vrrp_fold(__u32 sum)
{
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return sum;
}

/*
 * The 16-bit one's complement sum (folded, not inverted) of the `length` bytes at `offset` in
 * the frame, or -1 when they run past its end. `length` must be a multiple of 4 and at most
 * VRRP_MAX_MESSAGE.
 *
 * Read in place, a 32-bit word at a time: an advert is 12 to 40 bytes in practice, and summing
 * it here costs a few instructions where copying it out chunk by chunk through bpf_loop,
 * bpf_xdp_load_bytes and bpf_csum_diff cost four kernel calls per chunk. A global function is
 * verified once on its own, so its bounded loop does not multiply the work of verifying the
 * stage around it (which an inlined loop did: 0.4 s per program load).
 */
__attribute__((noinline)) int vrrp_message_sum(struct xdp_md *ctx, __u32 offset, __u32 length)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    __u64 sum = 0;

    /* Bounds the verifier needs: it tracks no packet range for an offset that may pass 0xffff. */
    if (offset > 0x3fff || length > VRRP_MAX_MESSAGE)
        return -1;
    for (__u32 i = 0; i < VRRP_MAX_MESSAGE / 4; i++) {
        __u32 done = i * 4;
        if (done >= length)
            break;
        __u32 position = offset + done;
        if (position > 0x7fff)
            return -1;
        __u32 *word = data + position;
        if ((void *)(word + 1) > data_end)
            return -1;
        sum += *word;
    }
    sum = (sum & 0xffffffff) + (sum >> 32);
    sum = (sum & 0xffffffff) + (sum >> 32);
    return vrrp_fold((__u32)sum);
}

/*
 * Whether the one's complement sum of `seed` and the `length` bytes at `offset` is all ones,
 * i.e. the checksum inside them is right. `length` must be a multiple of 4 and at most
 * VRRP_MAX_MESSAGE; the caller checked both.
 */
static __always_inline int vrrp_checksum_ok(struct xdp_md *ctx, __u32 offset, __u32 length, __u32 seed)
{
    int sum = vrrp_message_sum(ctx, offset, length);
    if (sum < 0)
        return 0;
    __u64 total = (__u64)seed + (__u32)sum;
    total = (total & 0xffffffff) + (total >> 32);
    return vrrp_fold((__u32)total) == 0xffff;
}

/* The v3 pseudo-header's partial sum, or -1 when the frame is too short to hold it. */
/* The one's complement sum of `count` 32-bit words on the stack, carries folded back into 32 bits
 * (what bpf_csum_diff returns, without its kernel call). */
static __always_inline __u32 vrrp_sum_words(const __u32 *words, const int count)
{
    __u64 sum = 0;
#pragma unroll
    for (int i = 0; i < count; i++)
        sum += words[i];
    sum = (sum & 0xffffffff) + (sum >> 32);
    sum = (sum & 0xffffffff) + (sum >> 32);
    return (__u32)sum;
}

static __always_inline __s64 vrrp_pseudo_sum(void *data, void *data_end, struct packet *p, __u32 length)
{
    if (p->eth_proto == ETH_P_IP) {
        struct iphdr *ip = data + p->l3_off;
        if ((void *)(ip + 1) > data_end)
            return -1;
        struct vrrp_pseudo_v4 ph = {
            .saddr = ip->saddr, .daddr = ip->daddr,
            .protocol = XDPHA_IPPROTO_VRRP, .length = bpf_htons(length),
        };
        return vrrp_sum_words((const __u32 *)&ph, sizeof(ph) / 4);
    }
    struct ipv6hdr *ip6 = data + p->l3_off;
    if ((void *)(ip6 + 1) > data_end)
        return -1;
    struct vrrp_pseudo_v6 ph = {
        .saddr = ip6->saddr, .daddr = ip6->daddr,
        .length = bpf_htonl(length), .next_header = XDPHA_IPPROTO_VRRP,
    };
    return vrrp_sum_words((const __u32 *)&ph, sizeof(ph) / 4);
}

/* The IP payload length (the VRRP message's) and source address; -1 if the header is cut. */
static __always_inline int vrrp_ip_fields(void *data, void *data_end, struct packet *p,
                                          __u32 *length, __u64 source[2])
{
    if (p->eth_proto == ETH_P_IP) {
        struct iphdr *ip = data + p->l3_off;
        if ((void *)(ip + 1) > data_end)
            return -1;
        __u32 total = bpf_ntohs(ip->tot_len);
        __u32 header = p->l4_off - p->l3_off;
        *length = total > header ? total - header : 0;
        __builtin_memcpy(source, &ip->saddr, 4);
        return 0;
    }
    struct ipv6hdr *ip6 = data + p->l3_off;
    if ((void *)(ip6 + 1) > data_end)
        return -1;
    *length = bpf_ntohs(ip6->payload_len);
    __builtin_memcpy(source, &ip6->saddr, 16);
    return 0;
}

/* Stores the advert as the VRID's last one and says why the control plane must wake, if at all. */
static __always_inline __u8 vrrp_record(struct vrrp_router *router, const struct xdpha_vrrp_advert *advert)
{
    __u8 reasons = 0;
    struct xdpha_vrrp_advert *last = &router->state.last;
    __u64 old_source[2], new_source[2];
    __builtin_memcpy(old_source, last->source, sizeof(old_source));
    __builtin_memcpy(new_source, advert->source, sizeof(new_source));
    if (last->last_ns == 0 || old_source[0] != new_source[0] || old_source[1] != new_source[1]) {
        reasons = XDPHA_VRRP_WAKE_NEW_MASTER;
    } else {
        if (last->priority != advert->priority)
            reasons |= XDPHA_VRRP_WAKE_PRIORITY;
        if (last->max_adver_int != advert->max_adver_int)
            reasons |= XDPHA_VRRP_WAKE_INTERVAL;
    }
    /* Two CPUs may write at once only if two routers speak for one VRID; the next advert
     * rewrites the record whole, and each event carries its own copy. */
    *last = *advert;
    __sync_fetch_and_add(&router->state.accepted, 1);
    if (advert->priority == 0)
        reasons |= XDPHA_VRRP_WAKE_PRIORITY_ZERO;
    if (router->config.flags & XDPHA_VRRP_CONFIG_MASTER)
        reasons |= XDPHA_VRRP_WAKE_WHILE_MASTER;
    return reasons;
}

static __always_inline int vrrp_wake(struct xdpha_vrrp_key *key, const struct xdpha_vrrp_advert *advert,
                                     __u8 reasons)
{
    struct xdpha_vrrp_event *event = bpf_ringbuf_reserve(&vrrp_events, sizeof(*event), 0);
    if (!event)
        return -1;
    event->timestamp_ns = advert->last_ns;
    event->ifindex = key->ifindex;
    event->family = key->family;
    event->vrid = key->vrid;
    event->version = advert->version;
    event->priority = advert->priority;
    __builtin_memcpy(event->source, advert->source, sizeof(event->source));
    event->max_adver_int = advert->max_adver_int;
    event->address_count = advert->address_count;
    event->reasons = reasons;
    event->reserved = 0;
    bpf_ringbuf_submit(event, 0);
    return 0;
}

/* Master_Down_Timer expired: no advert that restarts it came for Master_Down_Interval. */
static int vrrp_master_down_fired(void *map, struct xdpha_vrrp_key *key, struct vrrp_router *router)
{
    /* vrrp_config, not the copy: the control plane may have left Backup since the last advert. */
    const struct xdpha_vrrp_config *config = bpf_map_lookup_elem(&vrrp_config, key);
    if (!config || !(config->flags & XDPHA_VRRP_CONFIG_MASTER_DOWN_TIMER) || config->master_down_us == 0) {
        router->armed = 0;
        return 0;
    }
    /* Restarting is lazy: adverts only stamp restarted_ns; the timer, when it fires, sleeps on
     * for what is left of Master_Down_Interval since then. */
    __u64 interval = (__u64)config->master_down_us * 1000;
    __u64 now = bpf_ktime_get_ns();
    __u64 since = now - router->restarted_ns;
    if (since < interval) {
        bpf_timer_start(&router->timer, interval - since, 0);
        return 0;
    }
    router->armed = 0;
    struct xdpha_vrrp_advert record = router->state.last;
    if (vrrp_wake(key, &record, XDPHA_VRRP_WAKE_MASTER_DOWN) < 0)
        vrrp_count(key, XDPHA_VRRP_RX_EVENT_LOST);
    return 0;
}

/* RFC 5798 6.4.2: a backup resets Master_Down_Timer on an advert unless it is in preempt mode
 * and the advert's priority is below its own; priority 0 is the control plane's (Skew_Time). */
static __always_inline void vrrp_restart_master_down(struct vrrp_router *router, __u8 priority, __u64 now)
{
    const struct xdpha_vrrp_config *config = &router->config;
    if (!(config->flags & XDPHA_VRRP_CONFIG_MASTER_DOWN_TIMER) || config->master_down_us == 0 || priority == 0)
        return;
    if ((config->flags & XDPHA_VRRP_CONFIG_PREEMPT) && priority < config->local_priority)
        return;
    /* A store per advert; the hrtimer is touched only when it is not running (see the callback). */
    router->restarted_ns = now;
    if (router->armed)
        return;
    if (!router->timer_initialised) {
        if (bpf_timer_init(&router->timer, &vrrp_routers, 1 /* CLOCK_MONOTONIC */) != 0)
            return;
        bpf_timer_set_callback(&router->timer, vrrp_master_down_fired);
        router->timer_initialised = 1;
    }
    router->armed = 1;
    bpf_timer_start(&router->timer, (__u64)config->master_down_us * 1000, 0);
}

/*
 * The VRID's value with a current copy of its configuration, or NULL when the VRID is not
 * ours. The copy is refreshed (one more lookup) only after the control plane wrote some VRID's
 * configuration; the generation is read before the configuration, so a copy can only be newer
 * than its generation says, never older.
 */
static __always_inline struct vrrp_router *vrrp_router(struct xdpha_vrrp_key *key)
{
    struct vrrp_router *router = bpf_map_lookup_elem(&vrrp_routers, key);
    if (!router)
        return NULL;
    __u32 zero = 0;
    __u32 *generation = bpf_map_lookup_elem(&vrrp_config_generation, &zero);
    if (!generation)
        return NULL;
    __u32 current = *generation;
    if (router->config_generation == current && current != 0)
        return router;
    const struct xdpha_vrrp_config *config = bpf_map_lookup_elem(&vrrp_config, key);
    if (!config)
        return NULL;
    router->config = *config;
    router->config_generation = current;
    return router;
}

static __always_inline int vrrp_stage(struct xdp_md *ctx, struct packet *p)
{
    if (p->l4_proto != XDPHA_IPPROTO_VRRP)
        return STAGE_CONTINUE;

    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct xdpha_vrrp_key key = {
        .ifindex = ctx->ingress_ifindex,
        .family = p->eth_proto == ETH_P_IP ? XDPHA_VRRP_FAMILY_IPV4 : XDPHA_VRRP_FAMILY_IPV6,
    };

    if (p->fragment)
        return vrrp_unclaimed(&key, XDPHA_VRRP_RX_FRAGMENT);
    struct vrrp_header *vrrp = data + p->l4_off;
    if ((void *)(vrrp + 1) > data_end)
        return vrrp_unclaimed(&key, XDPHA_VRRP_RX_LENGTH);

    key.vrid = vrrp->vrid;
    struct vrrp_router *router = vrrp_router(&key);
    if (!router)
        return vrrp_unclaimed(&key, XDPHA_VRRP_RX_UNKNOWN_VRID);
    const struct xdpha_vrrp_config *config = &router->config;

    if (p->ttl != 255)
        return vrrp_handled(&key, config, XDPHA_VRRP_RX_TTL);
    __u8 version = vrrp->version_type >> 4;
    if (version != config->version || (version != 2 && version != 3) ||
        (version == 2 && key.family != XDPHA_VRRP_FAMILY_IPV4))
        return vrrp_handled(&key, config, XDPHA_VRRP_RX_VERSION);
    if ((vrrp->version_type & 0x0f) != VRRP_TYPE_ADVERTISEMENT)
        return vrrp_handled(&key, config, XDPHA_VRRP_RX_TYPE);

    __u32 length;
    __u64 source[2] = {};
    if (vrrp_ip_fields(data, data_end, p, &length, source) < 0)
        return vrrp_handled(&key, config, XDPHA_VRRP_RX_LENGTH);
    if (length < VRRP_HEADER_LEN || length > VRRP_MAX_MESSAGE ||
        data + p->l4_off + length > data_end)
        return vrrp_handled(&key, config, XDPHA_VRRP_RX_LENGTH);

    __u32 address_len = key.family == XDPHA_VRRP_FAMILY_IPV4 ? 4 : 16;
    __u32 expected = VRRP_HEADER_LEN + vrrp->count * address_len +
                     (version == 2 ? XDPHA_VRRP_AUTH_DATA_LEN : 0);
    if (length != expected)
        return vrrp_handled(&key, config, XDPHA_VRRP_RX_ADDRESS_COUNT);

    __u32 seed = 0;
    if (version == 3) {
        __s64 pseudo = vrrp_pseudo_sum(data, data_end, p, length);
        if (pseudo < 0)
            return vrrp_handled(&key, config, XDPHA_VRRP_RX_LENGTH);
        seed = (__u32)pseudo;
    }
    if (!vrrp_checksum_ok(ctx, p->l4_off, length, seed))
        return vrrp_handled(&key, config, XDPHA_VRRP_RX_CHECKSUM);

    struct xdpha_vrrp_advert advert = {
        .version = version,
        .priority = vrrp->priority,
        .address_count = vrrp->count,
    };
    if (version == 2) {
        if (vrrp->word[0] != config->auth_type)
            return vrrp_handled(&key, config, XDPHA_VRRP_RX_AUTH);
        if (config->auth_type == XDPHA_VRRP_AUTH_PASSWORD) {
            __u64 password = 0, expected_password = 0;
            if (bpf_xdp_load_bytes(ctx, p->l4_off + length - XDPHA_VRRP_AUTH_DATA_LEN, &password, 8))
                return vrrp_handled(&key, config, XDPHA_VRRP_RX_LENGTH);
            __builtin_memcpy(&expected_password, config->auth_data, 8);
            if (password != expected_password)
                return vrrp_handled(&key, config, XDPHA_VRRP_RX_AUTH);
        }
        advert.max_adver_int = (__u16)vrrp->word[1] * 100;
    } else {
        advert.max_adver_int = ((vrrp->word[0] & 0x0f) << 8) | vrrp->word[1];
    }
    __builtin_memcpy(advert.source, source, sizeof(advert.source));
    advert.last_ns = bpf_ktime_get_ns();

    __u8 reasons = vrrp_record(router, &advert);
    vrrp_restart_master_down(router, advert.priority, advert.last_ns);
    if (reasons && vrrp_wake(&key, &advert, reasons) < 0)
        vrrp_count(&key, XDPHA_VRRP_RX_EVENT_LOST);
    return (config->flags & XDPHA_VRRP_CONFIG_DROP) ? XDP_DROP : XDP_PASS;
}

#endif /* XDPHA_VRRP_RX_H */
