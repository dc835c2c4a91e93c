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

/* Written by user space before the run: the first source port and how many follow it. */
struct trafficgen_config {
    __u16 first_port;   /* host order */
    __u16 port_count;   /* at least 1 */
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct trafficgen_config);
} trafficgen_config SEC(".maps");

/* The generator runs on one CPU at a time (the caller's), so a plain counter is enough. */
__u32 trafficgen_next;

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} sink_packets SEC(".maps");

/* RFC 1624 incremental update of a 16-bit one's complement checksum for one changed word. */
static __always_inline __u16 checksum_replace(__u16 check, __u16 old_word, __u16 new_word)
{
    __u32 sum = (__u16)~check + (__u16)~old_word + new_word;
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return ~sum;
}

SEC("xdp")
int xdpha_trafficgen(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5)
        return XDP_DROP;

    __u32 key = 0;
    struct trafficgen_config *config = bpf_map_lookup_elem(&trafficgen_config, &key);
    if (!config || config->port_count == 0)
        return XDP_DROP;
    __u16 port = config->first_port + trafficgen_next % config->port_count;
    trafficgen_next++;

    if (ip->protocol == IPPROTO_TCP) {
        struct tcphdr *tcp = (void *)(ip + 1);
        if ((void *)(tcp + 1) > data_end)
            return XDP_DROP;
        __u16 old = tcp->source;
        tcp->source = bpf_htons(port);
        tcp->check = checksum_replace(tcp->check, old, tcp->source);
    } else if (ip->protocol == IPPROTO_UDP) {
        struct udphdr *udp = (void *)(ip + 1);
        if ((void *)(udp + 1) > data_end)
            return XDP_DROP;
        udp->source = bpf_htons(port);   /* the template carries no UDP checksum (0) */
    } else {
        return XDP_DROP;
    }
    return XDP_TX;
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
