// Route lookups: which interface (and gateway) the kernel would send a packet for an address
// through, as `ip route get ADDRESS` asks it (RTM_GETROUTE with RTA_DST). DR steering uses it to
// find the interface a real server is reached through.
import CNetlink

/// The kernel's answer to "how would you send to this address?".
public struct RouteLookup: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// Sent out of an interface, directly or through a gateway.
        case unicast
        /// The address is this host's own.
        case local
        /// Blackhole, unreachable, prohibit and the like (the RTN_* number).
        case other(UInt8)
    }

    public var kind: Kind
    /// The output interface; 0 when the kernel named none.
    public var ifindex: Int32
    /// The next hop when it is not the address itself (the address is not on a connected network).
    public var gateway: InetAddress?
    /// The source address the kernel would choose.
    public var preferredSource: InetAddress?

    public var description: String {
        var text = "dev \(ifindex)"
        if let gateway { text += " via \(gateway)" }
        if let preferredSource { text += " src \(preferredSource)" }
        switch kind {
        case .unicast: break
        case .local: text = "local " + text
        case .other(let type): text = "type \(type) " + text
        }
        return text
    }
}

extension RouteNetlink {
    /// How the kernel routes to `address` now, from this socket's network namespace.
    public func route(to address: InetAddress) throws(NetlinkError) -> RouteLookup {
        guard let message = nlmsg_alloc_simple(Int32(RTM_GETROUTE), 0) else {
            throw NetlinkError.libnl("nlmsg_alloc_simple", -NLE_NOMEM)
        }
        defer { nlmsg_free(message) }
        var header = rtmsg()
        header.rtm_family = UInt8(address.family.socketFamily)
        header.rtm_dst_len = address.family.maximumPrefixLength
        try checkLibnl("nlmsg_append", nlmsg_append(message, &header, MemoryLayout<rtmsg>.size, 4))
        try checkLibnl("nla_put(RTA_DST)", address.bytes.withUnsafeBytes {
            nla_put(message, Int32(RTA_DST.rawValue), Int32($0.count), $0.baseAddress)
        })
        try checkLibnl("nl_send_auto(RTM_GETROUTE)", nl_send_auto(socket.handle, message))

        let reply = RouteReply()
        guard let callbacks = nl_cb_clone(nl_socket_get_cb(socket.handle)) else {
            throw NetlinkError.libnl("nl_cb_clone", -NLE_NOMEM)
        }
        defer { nl_cb_put(callbacks) }
        nl_cb_set(callbacks, NL_CB_VALID, NL_CB_CUSTOM, routeReplyCallback, Unmanaged.passUnretained(reply).toOpaque())
        let result = withExtendedLifetime(reply) { nl_recvmsgs(socket.handle, callbacks) }
        try checkLibnl("RTM_GETROUTE \(address)", result)
        // The kernel acknowledges the request after its answer; read the acknowledgement so the
        // next request does not see it.
        try checkLibnl("nl_wait_for_ack(RTM_GETROUTE)", nl_wait_for_ack(socket.handle))
        guard let route = reply.route else {
            throw NetlinkError.invalidRequest("the kernel answered RTM_GETROUTE \(address) with no route")
        }
        return route
    }
}

/// Where the reply callback leaves the parsed route.
private final class RouteReply {
    var route: RouteLookup?
}

private let routeReplyCallback: nl_recvmsg_msg_cb_t = { message, argument in
    guard let message, let argument, let header = nlmsg_hdr(message) else { return Int32(NL_SKIP.rawValue) }
    let reply = Unmanaged<RouteReply>.fromOpaque(argument).takeUnretainedValue()
    let headerSize = Int32(MemoryLayout<rtmsg>.size)
    guard header.pointee.nlmsg_type == UInt16(RTM_NEWROUTE),
          Int(header.pointee.nlmsg_len) >= MemoryLayout<nlmsghdr>.size + MemoryLayout<rtmsg>.size,
          let body = nlmsg_data(header) else { return Int32(NL_SKIP.rawValue) }
    let route = body.loadUnaligned(as: rtmsg.self)
    var ifindex: Int32 = 0
    var gateway: InetAddress?
    var source: InetAddress?
    var remaining = nlmsg_attrlen(header, headerSize)
    var attribute = nlmsg_attrdata(header, headerSize)
    while let current = attribute, nla_ok(current, remaining) != 0 {
        let length = Int(nla_len(current))
        let bytes = nla_data(current).map { Array(UnsafeRawBufferPointer(start: $0, count: length)) } ?? []
        switch UInt32(nla_type(current)) {
        case RTA_OIF.rawValue where length >= 4:
            ifindex = bytes.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }
        case RTA_GATEWAY.rawValue:
            gateway = InetAddress(bytes: bytes)
        case RTA_PREFSRC.rawValue:
            source = InetAddress(bytes: bytes)
        default:
            break
        }
        attribute = nla_next(current, &remaining)
    }
    let kind: RouteLookup.Kind
    switch Int(route.rtm_type) {
    case Int(RTN_UNICAST): kind = .unicast
    case Int(RTN_LOCAL): kind = .local
    default: kind = .other(route.rtm_type)
    }
    reply.route = RouteLookup(kind: kind, ifindex: ifindex, gateway: gateway, preferredSource: source)
    return Int32(NL_OK.rawValue)
}
