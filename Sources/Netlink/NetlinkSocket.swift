// One libnl socket (struct nl_sock) connected to NETLINK_ROUTE. Not Sendable: libnl sockets are
// not thread-safe, so an owner (the RouteNetlink actor, the link monitor's thread) keeps it.
// Like every socket, it belongs to the network namespace of the thread that created it.
import CNetlink

final class NetlinkSocket {
    let handle: OpaquePointer

    init() throws(NetlinkError) {
        guard let handle = nl_socket_alloc() else {
            throw NetlinkError.libnl("nl_socket_alloc", -NLE_NOMEM)
        }
        let result = nl_connect(handle, NETLINK_ROUTE)
        guard result >= 0 else {
            nl_socket_free(handle)
            throw NetlinkError.libnl("nl_connect(NETLINK_ROUTE)", result)
        }
        self.handle = handle
    }

    deinit { nl_socket_free(handle) }

    var descriptor: Int32 { nl_socket_get_fd(handle) }
}
