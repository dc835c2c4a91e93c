// The source and destination of the IP packet that carries an advert. VRRPv3 sums them into its
// checksum through the pseudo-header, so the codec needs them; VRRPv2 needs only the family.

/// Source and destination of one IP packet, of one family by construction.
public enum IPHeaderAddresses: Hashable, Sendable {
    case ipv4(source: IPv4Address, destination: IPv4Address)
    case ipv6(source: IPv6Address, destination: IPv6Address)

    /// nil when the two addresses are of different families.
    public init?(source: IPAddress, destination: IPAddress) {
        switch (source, destination) {
        case (.v4(let s), .v4(let d)): self = .ipv4(source: s, destination: d)
        case (.v6(let s), .v6(let d)): self = .ipv6(source: s, destination: d)
        default: return nil
        }
    }

    public var family: IPFamily {
        switch self {
        case .ipv4: .ipv4
        case .ipv6: .ipv6
        }
    }

    public var source: IPAddress {
        switch self {
        case .ipv4(let source, _): .v4(source)
        case .ipv6(let source, _): .v6(source)
        }
    }

    public var destination: IPAddress {
        switch self {
        case .ipv4(_, let destination): .v4(destination)
        case .ipv6(_, let destination): .v6(destination)
        }
    }

    /// Adds the pseudo-header for a VRRP message of `length` bytes: RFC 768's layout for IPv4
    /// (addresses, zero, protocol, 16-bit length) and RFC 8200 section 8.1's for IPv6 (addresses,
    /// 32-bit length, three zero bytes, next header).
    func addPseudoHeader(length: Int, to checksum: inout InternetChecksum) {
        switch self {
        case .ipv4(let source, let destination):
            checksum.add(doubleWord: source.value)
            checksum.add(doubleWord: destination.value)
            checksum.add(word: UInt16(VRRPWire.ipProtocol))
            checksum.add(word: UInt16(truncatingIfNeeded: length))
        case .ipv6(let source, let destination):
            for half in [source.high, source.low, destination.high, destination.low] {
                checksum.add(doubleWord: UInt32(truncatingIfNeeded: half >> 32))
                checksum.add(doubleWord: UInt32(truncatingIfNeeded: half))
            }
            checksum.add(doubleWord: UInt32(truncatingIfNeeded: length))
            checksum.add(word: UInt16(VRRPWire.ipProtocol))
        }
    }
}
