// Owners of the libnl objects RouteNetlink builds or fetches, each released in deinit, and the
// bytes of a borrowed nl_addr.
import CNetlink

/// A struct rtnl_addr.
final class AddressObject {
    let handle: OpaquePointer

    init() throws(NetlinkError) {
        guard let handle = rtnl_addr_alloc() else { throw NetlinkError.libnl("rtnl_addr_alloc", -NLE_NOMEM) }
        self.handle = handle
    }

    deinit { rtnl_addr_put(handle) }
}

/// A struct rtnl_neigh.
final class NeighbourObject {
    let handle: OpaquePointer

    init() throws(NetlinkError) {
        guard let handle = rtnl_neigh_alloc() else { throw NetlinkError.libnl("rtnl_neigh_alloc", -NLE_NOMEM) }
        self.handle = handle
    }

    /// Takes over a reference the caller already holds.
    init(owning handle: OpaquePointer) { self.handle = handle }

    deinit { rtnl_neigh_put(handle) }
}

/// A struct nl_cache filled from the kernel.
final class NetlinkCache {
    let handle: OpaquePointer

    init(owning handle: OpaquePointer) { self.handle = handle }

    deinit { nl_cache_free(handle) }

    /// The cache's objects in the order the kernel dumped them (borrowed pointers, valid while
    /// the cache lives).
    var objects: [OpaquePointer] {
        var result: [OpaquePointer] = []
        var object = nl_cache_get_first(handle)
        while let current = object {
            result.append(current)
            object = nl_cache_get_next(current)
        }
        return result
    }
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
