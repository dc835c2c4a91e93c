// Socket calls the VRRP I/O adapters need that Swift cannot write itself: ancillary data (CMSG_*
// macros), struct in6_pktinfo (hidden behind _GNU_SOURCE), SO_BINDTOIFINDEX and socket filters.
// Every function returns 0 (or a byte count) on success and -1 with errno set on failure.
#ifndef XDPHA_VRRP_SOCKET_H
#define XDPHA_VRRP_SOCKET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/// An IPv4 or IPv6 address as the socket layer carries it. `family` is AF_INET (the first 4
/// bytes are used), AF_INET6 (all 16) or 0 for "none".
struct xdpha_inet_address {
    int family;
    uint8_t bytes[16];
};

/// What the kernel told about one received datagram besides its bytes.
struct xdpha_received_meta {
    /// The interface it arrived on (IP_PKTINFO / IPV6_PKTINFO); 0 when absent.
    int ifindex;
    /// Its TTL or hop limit (IP_TTL / IPV6_HOPLIMIT); -1 when absent.
    int hop_limit;
    /// The sender (the socket address of recvmsg).
    struct xdpha_inet_address source;
    /// The packet's destination address (pktinfo); family 0 when absent.
    struct xdpha_inet_address destination;
    /// 1 when the datagram was longer than the buffer and was cut.
    int truncated;
};

/// Asks for pktinfo and TTL / hop limit with every datagram received on `fd`.
int xdpha_inet_enable_receive_meta(int fd, int family);

/// Sets the TTL / hop limit of both multicast and unicast datagrams sent on `fd`.
int xdpha_inet_set_hop_limit(int fd, int family, int hops);

/// Makes multicast leave through `ifindex` (IP_MULTICAST_IF with ip_mreqn / IPV6_MULTICAST_IF).
int xdpha_inet_set_multicast_interface(int fd, int family, int ifindex);

/// Whether this host's own sockets receive the multicast `fd` sends.
int xdpha_inet_set_multicast_loop(int fd, int family, int on);

/// Joins `group` on `ifindex` (IP_ADD_MEMBERSHIP with ip_mreqn / IPV6_JOIN_GROUP).
int xdpha_inet_join_group(int fd, const struct xdpha_inet_address *group, int ifindex);

/// Keeps the kernel from writing a checksum into what an IPv6 raw socket sends (IPV6_CHECKSUM -1).
int xdpha_inet6_leave_checksum_alone(int fd);

/// Restricts `fd` to one interface, for sending and receiving (SO_BINDTOIFINDEX).
int xdpha_socket_bind_to_ifindex(int fd, int ifindex);

/// Attaches a socket filter that drops every packet, for sockets that only send.
int xdpha_socket_drop_all_input(int fd);

/// Sends one datagram to `destination`. A non-zero `ifindex` picks the outgoing interface (and is
/// the scope of an IPv6 link-local destination); a non-NULL `source` of the same family picks
/// the source address (both through IP_PKTINFO / IPV6_PKTINFO). Returns the bytes sent.
ssize_t xdpha_inet_send(int fd, const void *buf, size_t len,
                        const struct xdpha_inet_address *destination, int ifindex,
                        const struct xdpha_inet_address *source);

/// Receives one datagram without blocking (MSG_DONTWAIT) and fills `meta`. Returns its length
/// (at most `len`), or -1 with errno (EAGAIN when nothing is waiting).
ssize_t xdpha_inet_receive(int fd, void *buf, size_t len, struct xdpha_received_meta *meta);

#endif
