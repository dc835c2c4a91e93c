// One address to put on (or take off) an interface: a VIP as keepalived's
// `virtual_ipaddress` block describes it.

public struct AddressAssignment: Hashable, Sendable, CustomStringConvertible {
    public var address: InetAddress
    public var prefixLength: UInt8
    /// The IPv4 label (`ip addr ... label eth0:1`); at most 15 bytes; IPv6 has no labels.
    public var label: String?
    /// The kernel uses this for IPv4 only; it derives an IPv6 address's scope from the address.
    public var scope: AddressScope
    /// IPv6 only: skip duplicate address detection (IFA_F_NODAD), so the VIP is usable at once
    /// instead of staying tentative for a second.
    public var skipsDuplicateAddressDetection: Bool

    public init(address: InetAddress, prefixLength: UInt8, label: String? = nil,
                scope: AddressScope = .global, skipsDuplicateAddressDetection: Bool = false) {
        self.address = address
        self.prefixLength = prefixLength
        self.label = label
        self.scope = scope
        self.skipsDuplicateAddressDetection = skipsDuplicateAddressDetection
    }

    public var description: String {
        var text = "\(address)/\(prefixLength) scope \(scope)"
        if let label { text += " label \(label)" }
        if skipsDuplicateAddressDetection { text += " nodad" }
        return text
    }

    /// Why the kernel would refuse this assignment, or nil when it looks acceptable.
    public var problem: String? {
        if prefixLength > address.family.maximumPrefixLength {
            return "prefix length \(prefixLength) is longer than \(address.family.maximumPrefixLength) for \(address)"
        }
        if let label {
            if address.family == .ipv6 { return "IPv6 addresses have no label (\(label) on \(address))" }
            if label.utf8.count > 15 { return "label \(label) is longer than 15 bytes" }
            if label.isEmpty { return "empty label for \(address)" }
        }
        if skipsDuplicateAddressDetection && address.family == .ipv4 {
            return "nodad applies to IPv6 addresses only (\(address))"
        }
        return nil
    }
}
