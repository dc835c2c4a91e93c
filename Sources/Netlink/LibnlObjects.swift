// Owners of libnl objects that RouteNetlink builds or fetches, each released in deinit.
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
