// Interface addresses: VIPs on and off, and what an interface has.
import CNetlink

extension RouteNetlink {
    /// Puts `assignment` on interface `ifindex`. An address already there is left as it is (its
    /// label and scope unchanged) and is not an error. "Already there" is the kernel's notion:
    /// the same address and prefix length for IPv4, the same address for IPv6.
    public func addAddress(_ assignment: AddressAssignment, ifindex: Int32) throws(NetlinkError) {
        if let problem = assignment.problem { throw NetlinkError.invalidRequest(problem) }
        let object = try AddressObject()
        let local = try NetlinkAddress(assignment.address, prefixLength: assignment.prefixLength)
        try checkLibnl("rtnl_addr_set_local", rtnl_addr_set_local(object.handle, local.handle))
        rtnl_addr_set_ifindex(object.handle, ifindex)
        rtnl_addr_set_prefixlen(object.handle, Int32(assignment.prefixLength))
        rtnl_addr_set_scope(object.handle, Int32(assignment.scope.rawValue))
        if let label = assignment.label {
            try checkLibnl("rtnl_addr_set_label", rtnl_addr_set_label(object.handle, label))
        }
        if assignment.skipsDuplicateAddressDetection {
            rtnl_addr_set_flags(object.handle, UInt32(IFA_F_NODAD))
        }
        let result = rtnl_addr_add(socket.handle, object.handle, 0)
        if result == -NLE_EXIST { return }
        try check(result, "add \(assignment) on interface \(ifindex)", ifindex: ifindex)
    }

    /// Takes `address`/`prefixLength` off interface `ifindex`. An address that is not there is
    /// not an error. The prefix length must be the one the address was added with.
    public func removeAddress(_ address: InetAddress, prefixLength: UInt8, ifindex: Int32) throws(NetlinkError) {
        guard prefixLength <= address.family.maximumPrefixLength else {
            throw NetlinkError.invalidRequest("prefix length \(prefixLength) is too long for \(address)")
        }
        let object = try AddressObject()
        let local = try NetlinkAddress(address, prefixLength: prefixLength)
        try checkLibnl("rtnl_addr_set_local", rtnl_addr_set_local(object.handle, local.handle))
        rtnl_addr_set_ifindex(object.handle, ifindex)
        rtnl_addr_set_prefixlen(object.handle, Int32(prefixLength))
        let result = rtnl_addr_delete(socket.handle, object.handle, 0)
        if result == -NLE_NOADDR || result == -NLE_OBJ_NOTFOUND { return }
        try check(result, "remove \(address)/\(prefixLength) from interface \(ifindex)", ifindex: ifindex)
    }

    /// Removes `assignment`'s address; its label, scope and flags do not matter.
    public func removeAddress(_ assignment: AddressAssignment, ifindex: Int32) throws(NetlinkError) {
        try removeAddress(assignment.address, prefixLength: assignment.prefixLength, ifindex: ifindex)
    }

    /// The addresses of interface `ifindex` (of one family, or both), in the kernel's order: for
    /// IPv4 the first address of each subnet is its primary, later ones are secondary.
    public func addresses(ifindex: Int32, family: InetAddress.Family? = nil) throws(NetlinkError) -> [InterfaceAddress] {
        var raw: OpaquePointer?
        try checkLibnl("rtnl_addr_alloc_cache", rtnl_addr_alloc_cache(socket.handle, &raw))
        guard let raw else { return [] }
        let cache = NetlinkCache(owning: raw)
        return cache.objects.compactMap { object in
            guard rtnl_addr_get_ifindex(object) == ifindex else { return nil }
            return InterfaceAddress(addressObject: object)
        }.filter { family == nil || $0.address.family == family }
    }

    /// The interface's primary IPv4 address, the source of its VRRP adverts: the first address
    /// that is not secondary. nil when it has no IPv4 address.
    public func primaryIPv4Address(ifindex: Int32) throws(NetlinkError) -> InetAddress? {
        try addresses(ifindex: ifindex, family: .ipv4).first { !$0.flags.contains(.secondary) }?.address
    }

    /// The interface's usable IPv6 link-local address (fe80::/10, not tentative), the source of
    /// its VRRP adverts and neighbour advertisements. nil when it has none.
    public func ipv6LinkLocalAddress(ifindex: Int32) throws(NetlinkError) -> InetAddress? {
        try addresses(ifindex: ifindex, family: .ipv6).first {
            $0.address.isIPv6LinkLocal && $0.flags.isDisjoint(with: [.tentative, .dadFailed])
        }?.address
    }

    /// Turns "no such device" into `.noSuchInterface`, other failures into `.libnl`.
    func check(_ result: Int32, _ operation: String, ifindex: Int32) throws(NetlinkError) {
        guard result < 0 else { return }
        if result == -NLE_NODEV { throw NetlinkError.noSuchInterface("with index \(ifindex)") }
        throw NetlinkError.libnl(operation, result)
    }
}

extension InterfaceAddress {
    /// Reads a borrowed rtnl_addr; nil when it lacks a local address.
    init?(addressObject object: OpaquePointer) {
        guard let bytes = addressBytes(of: rtnl_addr_get_local(object)),
              let address = InetAddress(bytes: bytes) else { return nil }
        self.init(
            ifindex: rtnl_addr_get_ifindex(object),
            address: address,
            prefixLength: UInt8(clamping: rtnl_addr_get_prefixlen(object)),
            scope: AddressScope(rawValue: UInt8(clamping: rtnl_addr_get_scope(object))),
            label: address.family == .ipv4 ? rtnl_addr_get_label(object).map { String(cString: $0) } : nil,
            flags: AddressFlags(rawValue: rtnl_addr_get_flags(object)))
    }
}
