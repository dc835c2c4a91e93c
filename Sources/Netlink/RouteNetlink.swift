// The rtnetlink requests the VRRP daemon makes: VIPs on and off interfaces, interface facts and
// the neighbour table. One actor owns one libnl socket (libnl sockets are not thread-safe) and
// hands out only Sendable values.
//
// The socket belongs to the network namespace of the thread that creates the actor; tests
// create it inside `NetworkNamespace.perform { }` and may then call it from anywhere.
import CNetlink

public actor RouteNetlink {
    let socket: NetlinkSocket

    public init() throws(NetlinkError) {
        socket = try NetlinkSocket()
    }
}
