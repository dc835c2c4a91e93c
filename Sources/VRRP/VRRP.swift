// VRRP: advertisement codec and the RFC 5798 state machine. No I/O.
