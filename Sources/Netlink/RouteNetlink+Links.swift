// Interface facts: index, name, MAC, whether it is up.
import CNetlink

extension RouteNetlink {
    /// The state of interface `ifindex` now.
    public func link(ifindex: Int32) throws(NetlinkError) -> LinkState {
        try fetchLink(ifindex: ifindex, name: nil, describedAs: "with index \(ifindex)")
    }

    /// The state of the interface called `name` now.
    public func link(named name: String) throws(NetlinkError) -> LinkState {
        guard !name.isEmpty, name.utf8.count < 16 else {
            throw NetlinkError.invalidRequest("interface name \"\(name)\" is empty or longer than 15 bytes")
        }
        return try fetchLink(ifindex: 0, name: name, describedAs: name)
    }

    /// The index of the interface called `name`, looked up in this socket's namespace (unlike
    /// if_nametoindex, which asks the namespace of the calling thread).
    public func ifindex(of name: String) throws(NetlinkError) -> Int32 {
        try link(named: name).ifindex
    }

    private func fetchLink(ifindex: Int32, name: String?, describedAs what: String) throws(NetlinkError) -> LinkState {
        var link: OpaquePointer?
        let result = rtnl_link_get_kernel(socket.handle, ifindex, name, &link)
        if result == -NLE_NODEV || result == -NLE_OBJ_NOTFOUND { throw NetlinkError.noSuchInterface(what) }
        try checkLibnl("rtnl_link_get_kernel(\(what))", result)
        guard let link else { throw NetlinkError.noSuchInterface(what) }
        defer { rtnl_link_put(link) }
        return LinkState(link: link)
    }
}
