// libbpf and the kernel UAPI pieces the Swift side needs (XDP_FLAGS_*, if_nametoindex).
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <linux/if_link.h>
#include <net/if.h>
