/*
 * trafficgen.c: the benchmark's own traffic generator and packet sink, kept apart from the
 * entry program (nothing here ever runs on a director).
 *
 * xdpha_trafficgen runs under BPF_PROG_RUN in live-frames mode (BPF_F_TEST_XDP_LIVE_FRAMES,
 * Linux 5.18+): the kernel hands it the template frame again and again and sends whatever it
 * returns XDP_TX for out of the interface named in the run's context. Each run gives the frame
 * the next client source port (and fixes the TCP checksum for it), so the director sees many
 * flows. A page the kernel recycles keeps the program's last rewrite, so the port is always
 * written, never derived from what the frame holds.
 *
 * TCP frames look like real connections (a director's traffic is mostly packets of established
 * connections, not SYNs): the first TCP frame of each source port, the first pass over the port
 * range, is a SYN that opens the connection (IPVS creates its DR connection only for a SYN, and
 * the DR stage takes its new-flow path for it); every later frame of that port is an ACK of the
 * connection, which both paths follow through their connection tables. The flags are always
 * written, like the port.
 *
 * xdpha_drive runs under BPF_PROG_RUN in live-frames mode too, but on the director itself, with
 * the director's client-facing interface as the ingress: it gives the frame the client's and the
 * director's MACs and the next source port (as the generator would have), then tail-calls the
 * program in drive_next slot 0, which decides as if the frame had arrived there: the entry
 * program (XDP path: redirect to the reals' side, for real), xdpha_pass (IPVS path: the kernel
 * builds an skb and runs ip_rcv, IPVS and the transmit to the real in the calling thread), or
 * xdpha_discard (the harness's own cost). The MACs are written every time because a recycled
 * page keeps what the previous decision wrote (the entry program's or the neighbour code's
 * rewrite), and the kernel stack would drop a frame not addressed to the director.
 *
 * xdpha_sink sits on a real server's interface: it counts the IPv4 TCP/UDP frames that arrive
 * and drops them, so a real costs next to nothing and the count is what the director delivered.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* Written by user space before the run: the first source port and how many follow it, and the
 * Ethernet addresses xdpha_drive writes (the director's, the client's). */
struct trafficgen_config {
    __u16 first_port;   /* host order */
    __u16 port_count;   /* at least 1 */
    __u8 drive_dest[ETH_ALEN];
    __u8 drive_source[ETH_ALEN];
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct trafficgen_config);
} trafficgen_config SEC(".maps");

/* The generator runs on one CPU at a time (the caller's), so plain counters are enough. */
__u32 trafficgen_next;
/* TCP frames made so far: the first port_count of them (one per port, since consecutive runs
 * take consecutive ports) are the SYNs, the rest ACKs. Counted apart from trafficgen_next so
 * that UDP frames sent before do not use up the SYNs. */
__u32 trafficgen_tcp_frames;

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} sink_packets SEC(".maps");

/* Slot 0: the program xdpha_drive hands every frame to. */
struct {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u32);
} drive_next SEC(".maps");

/* TCP flag bytes (the low byte of the header's 13th-14th bytes). */
#define TRAFFICGEN_SYN 0x02
#define TRAFFICGEN_ACK 0x10

/* RFC 1624 incremental update of a 16-bit one's complement checksum for one changed word. */
static __always_inline __u16 checksum_replace(__u16 check, __u16 old_word, __u16 new_word)
{
    __u32 sum = (__u16)~check + (__u16)~old_word + new_word;
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return ~sum;
}

/* Gives the frame the next source port of the configured range (TCP: and its flags, SYN or ACK,
 * checksum fixed); 0 when the frame is no IPv4 TCP/UDP frame the template could have made, or
 * nothing is configured. */
static __always_inline int next_source_port(struct xdp_md *ctx, struct trafficgen_config **out)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5)
        return 0;

    __u32 key = 0;
    struct trafficgen_config *config = bpf_map_lookup_elem(&trafficgen_config, &key);
    if (!config || config->port_count == 0)
        return 0;
    __u16 port = config->first_port + trafficgen_next % config->port_count;
    trafficgen_next++;

    if (ip->protocol == IPPROTO_TCP) {
        struct tcphdr *tcp = (void *)(ip + 1);
        if ((void *)(tcp + 1) > data_end)
            return 0;
        __u16 old = tcp->source;
        tcp->source = bpf_htons(port);
        __u16 check = checksum_replace(tcp->check, old, tcp->source);
        /* The 16-bit word after the acknowledgement number: data offset, reserved bits, flags.
         * The data offset stays the template's; the flags are set, whatever the page held. */
        __u16 *flags_word = (__u16 *)((__u8 *)tcp + 12);
        __u16 old_flags = *flags_word;
        __u8 flags = trafficgen_tcp_frames < config->port_count ? TRAFFICGEN_SYN : TRAFFICGEN_ACK;
        trafficgen_tcp_frames++;
        __u16 new_flags = (old_flags & bpf_htons(0xff00)) | bpf_htons(flags);
        *flags_word = new_flags;
        tcp->check = checksum_replace(check, old_flags, new_flags);
    } else if (ip->protocol == IPPROTO_UDP) {
        struct udphdr *udp = (void *)(ip + 1);
        if ((void *)(udp + 1) > data_end)
            return 0;
        udp->source = bpf_htons(port);   /* the template carries no UDP checksum (0) */
    } else {
        return 0;
    }
    *out = config;
    return 1;
}

SEC("xdp")
int xdpha_trafficgen(struct xdp_md *ctx)
{
    struct trafficgen_config *config;
    return next_source_port(ctx, &config) ? XDP_TX : XDP_DROP;
}

SEC("xdp")
int xdpha_drive(struct xdp_md *ctx)
{
    struct trafficgen_config *config;
    if (!next_source_port(ctx, &config))
        return XDP_DROP;
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > data_end)
        return XDP_DROP;
    __builtin_memcpy(eth->h_dest, config->drive_dest, ETH_ALEN);
    __builtin_memcpy(eth->h_source, config->drive_source, ETH_ALEN);
    bpf_tail_call(ctx, &drive_next, 0);
    return XDP_DROP;   /* slot 0 empty */
}

/* xdpha_drive's "nothing after me": what the harness costs without any forwarding decision. */
SEC("xdp")
int xdpha_discard(struct xdp_md *ctx)
{
    return XDP_DROP;
}

SEC("xdp")
int xdpha_sink(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
        return XDP_PASS;
    if (ip->protocol != IPPROTO_TCP && ip->protocol != IPPROTO_UDP)
        return XDP_PASS;
    __u32 key = 0;
    __u64 *count = bpf_map_lookup_elem(&sink_packets, &key);
    if (count)
        *count += 1;
    return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
