// AF_PACKET sockets: whole Ethernet frames to and from one interface, for the gratuitous ARP
// sender and for tests that watch the wire. 0 / byte count on success, -1 with errno on failure.
#ifndef XDPHA_PACKET_SOCKET_H
#define XDPHA_PACKET_SOCKET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/// The EtherType that asks an AF_PACKET socket for frames of every protocol (ETH_P_ALL).
#define XDPHA_ETHERTYPE_ALL 0x0003

/// Opens a raw AF_PACKET socket bound to `ifindex`. With `receive_ethertype` 0 it receives
/// nothing (a socket that only sends); otherwise it receives frames of that EtherType (host byte
/// order; XDPHA_ETHERTYPE_ALL for all). Returns the descriptor.
int xdpha_packet_open(int ifindex, uint16_t receive_ethertype);

/// Sends one whole frame (Ethernet header included) out of `ifindex`.
ssize_t xdpha_packet_send(int fd, int ifindex, const void *frame, size_t len);

/// Receives one frame without blocking. `outgoing` is set to 1 for frames this host sent
/// (PACKET_OUTGOING), 0 for frames it received. -1 with EAGAIN when nothing is waiting.
ssize_t xdpha_packet_receive(int fd, void *buf, size_t len, int *outgoing);

#endif
