#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include "vrrp_socket.h"

#ifndef SO_BINDTOIFINDEX
#define SO_BINDTOIFINDEX 62
#endif

static int set_int(int fd, int level, int name, int value)
{
    return setsockopt(fd, level, name, &value, sizeof(value));
}

int xdpha_inet_enable_receive_meta(int fd, int family)
{
    if (family == AF_INET) {
        if (set_int(fd, IPPROTO_IP, IP_PKTINFO, 1) < 0) return -1;
        return set_int(fd, IPPROTO_IP, IP_RECVTTL, 1);
    }
    if (family == AF_INET6) {
        if (set_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1) < 0) return -1;
        return set_int(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1);
    }
    errno = EAFNOSUPPORT;
    return -1;
}

int xdpha_inet_set_hop_limit(int fd, int family, int hops)
{
    if (family == AF_INET) {
        if (set_int(fd, IPPROTO_IP, IP_TTL, hops) < 0) return -1;
        return set_int(fd, IPPROTO_IP, IP_MULTICAST_TTL, hops);
    }
    if (family == AF_INET6) {
        if (set_int(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, hops) < 0) return -1;
        return set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, hops);
    }
    errno = EAFNOSUPPORT;
    return -1;
}

int xdpha_inet_set_multicast_interface(int fd, int family, int ifindex)
{
    if (family == AF_INET) {
        struct ip_mreqn request = { .imr_ifindex = ifindex };
        return setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &request, sizeof(request));
    }
    if (family == AF_INET6)
        return set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex);
    errno = EAFNOSUPPORT;
    return -1;
}

int xdpha_inet_set_multicast_loop(int fd, int family, int on)
{
    if (family == AF_INET) return set_int(fd, IPPROTO_IP, IP_MULTICAST_LOOP, on ? 1 : 0);
    if (family == AF_INET6) return set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, on ? 1 : 0);
    errno = EAFNOSUPPORT;
    return -1;
}

int xdpha_inet_join_group(int fd, const struct xdpha_inet_address *group, int ifindex)
{
    if (group->family == AF_INET) {
        struct ip_mreqn request = { .imr_ifindex = ifindex };
        memcpy(&request.imr_multiaddr, group->bytes, 4);
        return setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &request, sizeof(request));
    }
    if (group->family == AF_INET6) {
        struct ipv6_mreq request = { .ipv6mr_interface = (unsigned)ifindex };
        memcpy(&request.ipv6mr_multiaddr, group->bytes, 16);
        return setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &request, sizeof(request));
    }
    errno = EAFNOSUPPORT;
    return -1;
}

int xdpha_inet6_leave_checksum_alone(int fd)
{
    // -1 is the default for raw sockets of protocols other than ICMPv6; setting it says so.
    return set_int(fd, IPPROTO_IPV6, IPV6_CHECKSUM, -1);
}

int xdpha_socket_bind_to_ifindex(int fd, int ifindex)
{
    return set_int(fd, SOL_SOCKET, SO_BINDTOIFINDEX, ifindex);
}

int xdpha_socket_drop_all_input(int fd)
{
    // One classic BPF instruction: accept 0 bytes of every packet, i.e. drop it.
    struct sock_filter drop = BPF_STMT(BPF_RET | BPF_K, 0);
    struct sock_fprog program = { .len = 1, .filter = &drop };
    return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof(program));
}

ssize_t xdpha_inet_send(int fd, const void *buf, size_t len,
                        const struct xdpha_inet_address *destination, int ifindex,
                        const struct xdpha_inet_address *source)
{
    union {
        struct sockaddr_in v4;
        struct sockaddr_in6 v6;
    } to;
    union {
        char buffer[CMSG_SPACE(sizeof(struct in6_pktinfo))];
        struct cmsghdr align;
    } control;
    struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
    struct msghdr msg = { .msg_name = &to, .msg_iov = &iov, .msg_iovlen = 1 };
    int with_source = source != NULL && source->family == destination->family;

    memset(&to, 0, sizeof(to));
    memset(&control, 0, sizeof(control));
    if (destination->family == AF_INET) {
        to.v4.sin_family = AF_INET;
        memcpy(&to.v4.sin_addr, destination->bytes, 4);
        msg.msg_namelen = sizeof(to.v4);
        if (with_source || ifindex != 0) {
            struct in_pktinfo info = { .ipi_ifindex = ifindex };
            if (with_source) memcpy(&info.ipi_spec_dst, source->bytes, 4);
            msg.msg_control = control.buffer;
            msg.msg_controllen = CMSG_SPACE(sizeof(info));
            struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
            cmsg->cmsg_level = IPPROTO_IP;
            cmsg->cmsg_type = IP_PKTINFO;
            cmsg->cmsg_len = CMSG_LEN(sizeof(info));
            memcpy(CMSG_DATA(cmsg), &info, sizeof(info));
        }
    } else if (destination->family == AF_INET6) {
        to.v6.sin6_family = AF_INET6;
        memcpy(&to.v6.sin6_addr, destination->bytes, 16);
        // The kernel reads the scope only for addresses that need one (link-local).
        to.v6.sin6_scope_id = (uint32_t)ifindex;
        msg.msg_namelen = sizeof(to.v6);
        if (with_source || ifindex != 0) {
            struct in6_pktinfo info = { .ipi6_ifindex = (unsigned)ifindex };
            if (with_source) memcpy(&info.ipi6_addr, source->bytes, 16);
            msg.msg_control = control.buffer;
            msg.msg_controllen = CMSG_SPACE(sizeof(info));
            struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
            cmsg->cmsg_level = IPPROTO_IPV6;
            cmsg->cmsg_type = IPV6_PKTINFO;
            cmsg->cmsg_len = CMSG_LEN(sizeof(info));
            memcpy(CMSG_DATA(cmsg), &info, sizeof(info));
        }
    } else {
        errno = EAFNOSUPPORT;
        return -1;
    }
    return sendmsg(fd, &msg, 0);
}

static void address_from_sockaddr(const struct sockaddr_storage *from, struct xdpha_inet_address *out)
{
    if (from->ss_family == AF_INET) {
        out->family = AF_INET;
        memcpy(out->bytes, &((const struct sockaddr_in *)from)->sin_addr, 4);
    } else if (from->ss_family == AF_INET6) {
        out->family = AF_INET6;
        memcpy(out->bytes, &((const struct sockaddr_in6 *)from)->sin6_addr, 16);
    }
}

ssize_t xdpha_inet_receive(int fd, void *buf, size_t len, struct xdpha_received_meta *meta)
{
    struct sockaddr_storage from;
    union {
        char buffer[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(struct in_pktinfo)) +
                    2 * CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec iov = { .iov_base = buf, .iov_len = len };
    struct msghdr msg = {
        .msg_name = &from, .msg_namelen = sizeof(from),
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = control.buffer, .msg_controllen = sizeof(control.buffer),
    };

    memset(meta, 0, sizeof(*meta));
    meta->hop_limit = -1;
    memset(&from, 0, sizeof(from));
    ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);
    if (n < 0) return -1;
    meta->truncated = (msg.msg_flags & MSG_TRUNC) != 0;
    address_from_sockaddr(&from, &meta->source);

    for (struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
        if (cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_PKTINFO) {
            struct in_pktinfo info;
            memcpy(&info, CMSG_DATA(cmsg), sizeof(info));
            meta->ifindex = info.ipi_ifindex;
            meta->destination.family = AF_INET;
            memcpy(meta->destination.bytes, &info.ipi_addr, 4);
        } else if (cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_TTL) {
            int ttl;
            memcpy(&ttl, CMSG_DATA(cmsg), sizeof(ttl));
            meta->hop_limit = ttl;
        } else if (cmsg->cmsg_level == IPPROTO_IPV6 && cmsg->cmsg_type == IPV6_PKTINFO) {
            struct in6_pktinfo info;
            memcpy(&info, CMSG_DATA(cmsg), sizeof(info));
            meta->ifindex = (int)info.ipi6_ifindex;
            meta->destination.family = AF_INET6;
            memcpy(meta->destination.bytes, &info.ipi6_addr, 16);
        } else if (cmsg->cmsg_level == IPPROTO_IPV6 && cmsg->cmsg_type == IPV6_HOPLIMIT) {
            int hops;
            memcpy(&hops, CMSG_DATA(cmsg), sizeof(hops));
            meta->hop_limit = hops;
        }
    }
    return n;
}
