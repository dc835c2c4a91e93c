// VRRP: the advertisement codec (AdvertEncoder, AdvertDecoder), the receiver's checks
// (AdvertReceiver) and the RFC 5798 state machine (VirtualRouter). No I/O: callers own sockets,
// netlink, BPF and clocks, feed events in and carry actions out.
