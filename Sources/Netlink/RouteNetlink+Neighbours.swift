// The neighbour table: which MAC a real server's address resolves to (DR steering rewrites
// frames to it), and a way to make the kernel resolve one it does not know yet.
import CNetlink

extension RouteNetlink {
    /// The kernel's neighbour entry for `address` on interface `ifindex`, or nil when it has
    /// none. Asks for that one entry (RTM_GETNEIGH with NDA_DST) instead of dumping the table.
    public func neighbour(of address: InetAddress, ifindex: Int32) throws(NetlinkError) -> NeighbourEntry? {
        guard let message = nlmsg_alloc_simple(Int32(RTM_GETNEIGH), 0) else {
            throw NetlinkError.libnl("nlmsg_alloc_simple", -NLE_NOMEM)
        }
        defer { nlmsg_free(message) }
        var header = ndmsg()
        header.ndm_family = UInt8(address.family.socketFamily)
        header.ndm_ifindex = ifindex
        try checkLibnl("nlmsg_append", nlmsg_append(message, &header, MemoryLayout<ndmsg>.size, 4))
        try checkLibnl("nla_put(NDA_DST)", address.bytes.withUnsafeBytes {
            nla_put(message, Int32(NDA_DST), Int32($0.count), $0.baseAddress)
        })
        try checkLibnl("nl_send_auto(RTM_GETNEIGH)", nl_send_auto(socket.handle, message))

        let reply = NeighbourReply()
        guard let callbacks = nl_cb_clone(nl_socket_get_cb(socket.handle)) else {
            throw NetlinkError.libnl("nl_cb_clone", -NLE_NOMEM)
        }
        defer { nl_cb_put(callbacks) }
        nl_cb_set(callbacks, NL_CB_VALID, NL_CB_CUSTOM, neighbourReplyCallback,
                  Unmanaged.passUnretained(reply).toOpaque())
        let result = withExtendedLifetime(reply) { nl_recvmsgs(socket.handle, callbacks) }
        if result == -NLE_OBJ_NOTFOUND { return nil }
        try check(result, "RTM_GETNEIGH \(address) on interface \(ifindex)", ifindex: ifindex)
        // The kernel acknowledges the request after its answer; read the acknowledgement so the
        // next request does not see it.
        try checkLibnl("nl_wait_for_ack(RTM_GETNEIGH)", nl_wait_for_ack(socket.handle))
        return reply.entry
    }

    /// The MAC `address` resolves to on interface `ifindex`, when the kernel holds a usable one
    /// (see NeighbourEntry.usableMAC); nil otherwise.
    public func resolvedMAC(of address: InetAddress, ifindex: Int32) throws(NetlinkError) -> MACAddress? {
        try neighbour(of: address, ifindex: ifindex)?.usableMAC
    }

    /// Makes the kernel resolve `address` on interface `ifindex` now (an ARP request or a
    /// neighbour solicitation), creating the entry when there is none: RTM_NEWNEIGH with
    /// NTF_USE, the flag that means "as if a packet wanted to go there". Returns at once; look
    /// the entry up again once the neighbour had time to answer.
    public func solicitNeighbour(_ address: InetAddress, ifindex: Int32) throws(NetlinkError) {
        let object = try NeighbourObject()
        let destination = try NetlinkAddress(address)
        try checkLibnl("rtnl_neigh_set_dst", rtnl_neigh_set_dst(object.handle, destination.handle))
        rtnl_neigh_set_ifindex(object.handle, ifindex)
        // State none: a new entry starts unresolved (libnl would send PERMANENT by default).
        rtnl_neigh_set_state(object.handle, 0)
        rtnl_neigh_set_flags(object.handle, UInt32(NTF_USE))
        // libnl leaves NLM_F_CREATE to the caller; without it a missing entry is ENOENT.
        let result = rtnl_neigh_add(socket.handle, object.handle, NLM_F_CREATE)
        try check(result, "solicit \(address) on interface \(ifindex)", ifindex: ifindex)
    }
}

/// Where the reply callback leaves the parsed entry.
private final class NeighbourReply {
    var entry: NeighbourEntry?
}

private let neighbourReplyCallback: nl_recvmsg_msg_cb_t = { message, argument in
    guard let message, let argument else { return Int32(NL_SKIP.rawValue) }
    let reply = Unmanaged<NeighbourReply>.fromOpaque(argument).takeUnretainedValue()
    var parsed: OpaquePointer?
    guard rtnl_neigh_parse(nlmsg_hdr(message), &parsed) >= 0, let parsed else {
        return Int32(NL_SKIP.rawValue)
    }
    let object = NeighbourObject(owning: parsed)
    if let bytes = addressBytes(of: rtnl_neigh_get_dst(object.handle)), let address = InetAddress(bytes: bytes) {
        reply.entry = NeighbourEntry(
            address: address,
            ifindex: rtnl_neigh_get_ifindex(object.handle),
            mac: addressBytes(of: rtnl_neigh_get_lladdr(object.handle)).flatMap(MACAddress.init(bytes:)),
            state: NeighbourState(rawValue: UInt16(truncatingIfNeeded: rtnl_neigh_get_state(object.handle))))
    }
    return Int32(NL_OK.rawValue)
}
