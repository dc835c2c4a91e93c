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

/// A libnl address object (struct nl_addr) built from an InetAddress, released in deinit.
final class NetlinkAddress {
    let handle: OpaquePointer

    init(_ address: InetAddress, prefixLength: UInt8? = nil) throws(NetlinkError) {
        let built = address.bytes.withUnsafeBytes { raw in
            nl_addr_build(address.family.socketFamily, raw.baseAddress, raw.count)
        }
        guard let built else { throw NetlinkError.libnl("nl_addr_build", -NLE_NOMEM) }
        handle = built
        nl_addr_set_prefixlen(handle, Int32(prefixLength ?? address.family.maximumPrefixLength))
    }

    deinit { nl_addr_put(handle) }
}

/// The bytes of a borrowed nl_addr (owned by the object it came from).
func addressBytes(of address: OpaquePointer?) -> [UInt8]? {
    guard let address, let binary = nl_addr_get_binary_addr(address) else { return nil }
    let length = Int(nl_addr_get_len(address))
    guard length > 0 else { return nil }
    return Array(UnsafeRawBufferPointer(start: binary, count: length))
}
