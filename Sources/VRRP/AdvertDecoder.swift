// Reads the bytes of a VRRP message (the IP payload) into a VRRPAdvert, or says why it cannot.
// Pure and total: any byte string yields an advert or an AdvertDecodeError, never a trap.

public enum AdvertDecoder {
    /// Decodes `payload`, the VRRP message of an IP packet between `ip`'s addresses.
    ///
    /// Checks, in this order: length of the fixed header, version (2 or 3; 2 only over IPv4),
    /// type (ADVERTISEMENT), payload length against the address count, checksum (VRRPv2 over the
    /// message; VRRPv3 over the pseudo-header and the message, as RFC 5798 section 5.2.8 requires),
    /// a non-zero interval and, in v2, the Auth Type (0 or 1).
    /// The receiver's own checks (TTL, VRID, authentication data, address list) are
    /// AdvertReceiver's; this function knows nothing of the local configuration.
    /// The four reserved bits before the v3 Max Adver Int are ignored, as RFC 5798 5.2.7 says.
    public static func decode(_ payload: [UInt8],
                              ip: IPHeaderAddresses) throws(AdvertDecodeError) -> VRRPAdvert {
        guard payload.count >= VRRPWire.fixedHeaderLength else {
            throw .truncated(length: payload.count)
        }
        let family = ip.family
        let versionNibble = payload[0] >> 4
        guard let version = VRRPVersion(rawValue: versionNibble),
              !(version == .v2 && family == .ipv6) else {
            throw .unsupportedVersion(versionNibble, family: family)
        }
        let type = payload[0] & 0x0F
        guard type == VRRPWire.advertisementType else { throw .unknownType(type) }

        let count = payload[3]
        let expectedLength = VRRPWire.fixedHeaderLength + Int(count) * family.addressLength
            + (version == .v2 ? VRRPWire.v2AuthenticationDataLength : 0)
        guard payload.count == expectedLength else {
            throw .addressCountMismatch(count: count, expectedLength: expectedLength,
                                        actualLength: payload.count)
        }

        if AdvertChecksum.compute(payload, version: version, ip: ip) != 0 {
            var zeroed = payload
            zeroed[6] = 0
            zeroed[7] = 0
            throw .badChecksum(received: UInt16(payload[6]) << 8 | UInt16(payload[7]),
                               expected: AdvertChecksum.compute(zeroed, version: version, ip: ip))
        }

        let centiseconds: Int
        switch version {
        case .v2: centiseconds = Int(payload[5]) * 100
        case .v3: centiseconds = Int(payload[4] & 0x0F) << 8 | Int(payload[5])
        }
        // Zero is the only value the field can hold that is not an interval.
        guard let interval = AdvertInterval(centiseconds: centiseconds) else { throw .zeroInterval }

        let addresses = decodeAddresses(payload, count: Int(count), family: family)

        var authentication = V2Authentication.none
        if version == .v2 {
            let dataStart = VRRPWire.fixedHeaderLength + Int(count) * 4
            switch payload[4] {
            case 0:
                break
            case 1:
                // The field is exactly eight bytes because the length was checked above.
                let field = payload[dataStart..<(dataStart + VRRPWire.v2AuthenticationDataLength)]
                if let password = VRRPPassword(field: field) {
                    authentication = .simplePassword(password)
                }
            default:
                throw .unsupportedAuthType(payload[4])
            }
        }

        return VRRPAdvert(version: version, virtualRouterID: payload[1], priority: payload[2],
                          interval: interval, addresses: addresses, authentication: authentication)
    }

    private static func decodeAddresses(_ payload: [UInt8], count: Int,
                                        family: IPFamily) -> [IPAddress] {
        var addresses: [IPAddress] = []
        addresses.reserveCapacity(count)
        var offset = VRRPWire.fixedHeaderLength
        for _ in 0..<count {
            switch family {
            case .ipv4:
                let value = UInt32(payload[offset]) << 24 | UInt32(payload[offset + 1]) << 16
                    | UInt32(payload[offset + 2]) << 8 | UInt32(payload[offset + 3])
                addresses.append(.v4(IPv4Address(value)))
            case .ipv6:
                var high: UInt64 = 0
                var low: UInt64 = 0
                for index in 0..<8 { high = high << 8 | UInt64(payload[offset + index]) }
                for index in 8..<16 { low = low << 8 | UInt64(payload[offset + index]) }
                addresses.append(.v6(IPv6Address(high: high, low: low)))
            }
            offset += family.addressLength
        }
        return addresses
    }
}
