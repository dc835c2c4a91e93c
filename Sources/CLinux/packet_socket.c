#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "packet_socket.h"

int xdpha_packet_open(int ifindex, uint16_t receive_ethertype)
{
    // Protocol 0 binds the socket to no EtherType at all, so it never queues received frames.
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(receive_ethertype));
    if (fd < 0) return -1;
    struct sockaddr_ll where = {
        .sll_family = AF_PACKET,
        .sll_protocol = htons(receive_ethertype),
        .sll_ifindex = ifindex,
    };
    if (bind(fd, (struct sockaddr *)&where, sizeof(where)) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

ssize_t xdpha_packet_send(int fd, int ifindex, const void *frame, size_t len)
{
    if (len < ETH_HLEN) {
        errno = EINVAL;
        return -1;
    }
    const uint8_t *bytes = frame;
    struct sockaddr_ll to = {
        .sll_family = AF_PACKET,
        .sll_ifindex = ifindex,
        .sll_halen = ETH_ALEN,
    };
    // The frame carries its own header; the address only names the interface and the protocol.
    memcpy(&to.sll_protocol, bytes + 2 * ETH_ALEN, 2);
    memcpy(to.sll_addr, bytes, ETH_ALEN);
    return sendto(fd, frame, len, 0, (struct sockaddr *)&to, sizeof(to));
}

ssize_t xdpha_packet_receive(int fd, void *buf, size_t len, int *outgoing)
{
    struct sockaddr_ll from;
    socklen_t from_len = sizeof(from);
    memset(&from, 0, sizeof(from));
    ssize_t n = recvfrom(fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)&from, &from_len);
    if (n >= 0 && outgoing) *outgoing = from.sll_pkttype == PACKET_OUTGOING;
    return n;
}
