// keepalived's use_vmac: a macvlan interface on the VRRP interface carrying the virtual router's
// MAC (00:00:5e:00:01:VRID, RFC 5798 7.3), so the VIPs answer ARP/ND with it and a takeover
// needs no peer to relearn a MAC. Private mode: macvlans on one parent never talk to each other
// (each VRID is its own router).
import CNetlink
import Glibc

extension RouteNetlink {
    /// Makes `name` a macvlan of `parent` with `mac` and brings it up; returns its ifindex. An
    /// existing macvlan of that name on that parent with that MAC is reused (a restart).
    public func ensureVirtualMAC(named name: String, parent: Int32, mac: MACAddress) throws(NetlinkError) -> Int32 {
        guard !name.isEmpty, name.utf8.count < 16 else {
            throw NetlinkError.invalidRequest("interface name \"\(name)\" is empty or longer than 15 bytes")
        }
        if let existing = try? link(named: name) {
            guard existing.mac == mac else {
                throw NetlinkError.invalidRequest("\(name) exists with MAC \(existing.mac.map { "\($0)" } ?? "none"), not \(mac)")
            }
            try setUp(existing.ifindex)
            return existing.ifindex
        }
        guard let link = rtnl_link_macvlan_alloc() else { throw NetlinkError.libnl("rtnl_link_macvlan_alloc", -NLE_NOMEM) }
        defer { rtnl_link_put(link) }
        try checkLibnl("rtnl_link_macvlan_set_mode", rtnl_link_macvlan_set_mode(link, UInt32(MACVLAN_MODE_PRIVATE.rawValue)))
        rtnl_link_set_name(link, name)
        rtnl_link_set_link(link, parent)
        let address = mac.bytes.withUnsafeBytes { raw in nl_addr_build(AF_LLC, raw.baseAddress, raw.count) }
        guard let address else { throw NetlinkError.libnl("nl_addr_build", -NLE_NOMEM) }
        defer { nl_addr_put(address) }
        rtnl_link_set_addr(link, address)
        rtnl_link_set_flags(link, UInt32(IFF_UP))
        try check(rtnl_link_add(socket.handle, link, NLM_F_CREATE | NLM_F_EXCL), "add macvlan \(name)", ifindex: parent)
        return try ifindex(of: name)
    }

    /// Deletes interface `ifindex` (a virtual MAC interface on stop). Gone already is not an error.
    public func deleteLink(ifindex: Int32) throws(NetlinkError) {
        guard let link = rtnl_link_alloc() else { throw NetlinkError.libnl("rtnl_link_alloc", -NLE_NOMEM) }
        defer { rtnl_link_put(link) }
        rtnl_link_set_ifindex(link, ifindex)
        let result = rtnl_link_delete(socket.handle, link)
        if result == -NLE_NODEV || result == -NLE_OBJ_NOTFOUND { return }
        try checkLibnl("rtnl_link_delete(\(ifindex))", result)
    }

    private func setUp(_ ifindex: Int32) throws(NetlinkError) {
        guard let original = rtnl_link_alloc(), let change = rtnl_link_alloc() else {
            throw NetlinkError.libnl("rtnl_link_alloc", -NLE_NOMEM)
        }
        defer { rtnl_link_put(original); rtnl_link_put(change) }
        rtnl_link_set_ifindex(original, ifindex)
        rtnl_link_set_flags(change, UInt32(IFF_UP))
        try check(rtnl_link_change(socket.handle, original, change, 0), "set interface \(ifindex) up", ifindex: ifindex)
    }
}
