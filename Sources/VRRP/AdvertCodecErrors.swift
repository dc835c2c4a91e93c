// Why bytes are not a valid advert, or an advert cannot be written. Each decode error maps to one
// stable AdvertRejectionReason, so a counter reads the same whichever path dropped the packet.

/// Why AdvertDecoder refused a VRRP payload. Checked in the order of the cases.
public enum AdvertDecodeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Shorter than the 8-byte fixed header.
    case truncated(length: Int)
    /// The version nibble is neither 2 nor 3, or is 2 on an IPv6 packet (VRRPv2 is IPv4 only).
    case unsupportedVersion(UInt8, family: IPFamily)
    /// The type nibble is not 1 (ADVERTISEMENT); RFC 5798 section 5.2.2 says discard it.
    case unknownType(UInt8)
    /// The payload length is not what the Count IPvX Addrs field (and, in v2, the 8-byte
    /// authentication field) says it must be.
    case addressCountMismatch(count: UInt8, expectedLength: Int, actualLength: Int)
    /// The checksum does not verify; `expected` is what the sender should have written.
    case badChecksum(received: UInt16, expected: UInt16)
    /// Adver Int / Max Adver Int is zero, which leaves no timer to run.
    case zeroInterval
    /// A VRRPv2 Auth Type other than 0 (none) or 1 (simple password); 2 is the IP
    /// Authentication Header, which RFC 3768 removed and xdpha does not implement.
    case unsupportedAuthType(UInt8)

    /// The counter this error is reported under.
    public var reason: AdvertRejectionReason {
        switch self {
        case .truncated: .length
        case .unsupportedVersion: .version
        case .unknownType: .type
        case .addressCountMismatch: .addressCount
        case .badChecksum: .checksum
        case .zeroInterval: .interval
        case .unsupportedAuthType: .authType
        }
    }

    public var description: String {
        switch self {
        case .truncated(let length):
            "advert of \(length) bytes is shorter than the \(VRRPWire.fixedHeaderLength)-byte header"
        case .unsupportedVersion(let version, let family):
            "VRRP version \(version) is not supported over \(family)"
        case .unknownType(let type):
            "VRRP message type \(type) is not ADVERTISEMENT (1)"
        case .addressCountMismatch(let count, let expected, let actual):
            "address count \(count) needs \(expected) bytes but the advert has \(actual)"
        case .badChecksum(let received, let expected):
            "checksum 0x\(String(received, radix: 16)) should be 0x\(String(expected, radix: 16))"
        case .zeroInterval:
            "advertisement interval is zero"
        case .unsupportedAuthType(let type):
            type == 2
                ? "VRRPv2 auth type 2 (IP Authentication Header) is not supported (removed by RFC 3768)"
                : "VRRPv2 auth type \(type) is unknown"
        }
    }
}

/// Why AdvertEncoder cannot write an advert.
public enum AdvertEncodeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// VRRPv2 runs over IPv4 only.
    case version2OverIPv6
    /// An address in the list is not of the packet's family.
    case addressFamilyMismatch(IPAddress, packetFamily: IPFamily)
    /// More than 255 addresses do not fit the count byte.
    case tooManyAddresses(Int)
    /// v2 needs whole seconds (1...255); v3 at most 4095 centiseconds.
    case intervalNotRepresentable(AdvertInterval, VRRPVersion)
    /// VRRPv3 has no authentication field.
    case authenticationInVersion3

    public var description: String {
        switch self {
        case .version2OverIPv6:
            "VRRPv2 adverts can only be sent over IPv4"
        case .addressFamilyMismatch(let address, let family):
            "address \(address) cannot be advertised in an \(family) packet"
        case .tooManyAddresses(let count):
            "\(count) addresses do not fit an advert (at most 255)"
        case .intervalNotRepresentable(let interval, let version):
            version == .v2
                ? "VRRPv2 carries whole seconds only, not \(interval)"
                : "VRRPv3 carries at most 4095 centiseconds, not \(interval)"
        case .authenticationInVersion3:
            "VRRPv3 adverts carry no authentication"
        }
    }
}
