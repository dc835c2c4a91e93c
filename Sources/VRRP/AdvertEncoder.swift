// Writes a VRRPAdvert as the bytes of a VRRP message (the IP payload), checksum included.
//
// Layout (RFC 3768 section 5.1 / RFC 5798 section 5.1), 8 fixed bytes then the addresses:
//   version(4) type(4) | VRID | priority | count
//   v2: auth type | adver int (s)       | checksum(16)
//   v3: rsvd(4) max adver int(12, cs)   | checksum(16)
//   addresses (4 or 16 bytes each), then in v2 the 8-byte authentication data.

public enum AdvertEncoder {
    /// Encodes `advert` for a packet between `ip`'s addresses.
    /// Preconditions checked (and thrown as AdvertEncodeError): v2 only over IPv4, every address of
    /// the packet's family, at most 255 addresses, an interval the version can carry, and no
    /// authentication in v3.
    public static func encode(_ advert: VRRPAdvert,
                              ip: IPHeaderAddresses) throws(AdvertEncodeError) -> [UInt8] {
        let family = ip.family
        if advert.version == .v2 && family == .ipv6 { throw .version2OverIPv6 }
        if advert.version == .v3 && advert.authentication != .none { throw .authenticationInVersion3 }
        guard advert.addresses.count <= 255 else { throw .tooManyAddresses(advert.addresses.count) }
        guard advert.interval.isRepresentable(in: advert.version) else {
            throw .intervalNotRepresentable(advert.interval, advert.version)
        }
        for address in advert.addresses where address.family != family {
            throw .addressFamilyMismatch(address, packetFamily: family)
        }

        var bytes: [UInt8] = []
        bytes.reserveCapacity(advert.encodedLength(family: family))
        bytes.append(advert.version.rawValue << 4 | VRRPWire.advertisementType)
        bytes.append(advert.virtualRouterID)
        bytes.append(advert.priority)
        bytes.append(UInt8(advert.addresses.count))
        switch advert.version {
        case .v2:
            bytes.append(advert.authentication.typeCode)
            bytes.append(UInt8(advert.interval.centiseconds / 100))
        case .v3:
            bytes.append(UInt8(advert.interval.centiseconds >> 8))
            bytes.append(UInt8(truncatingIfNeeded: advert.interval.centiseconds))
        }
        bytes.append(0)  // checksum, filled in below
        bytes.append(0)
        for address in advert.addresses { bytes.append(contentsOf: address.bytes) }
        if advert.version == .v2 {
            switch advert.authentication {
            case .none:
                bytes.append(contentsOf: repeatElement(0, count: VRRPWire.v2AuthenticationDataLength))
            case .simplePassword(let password):
                bytes.append(contentsOf: password.field)
            }
        }

        let checksum = AdvertChecksum.compute(bytes, version: advert.version, ip: ip)
        bytes[6] = UInt8(checksum >> 8)
        bytes[7] = UInt8(truncatingIfNeeded: checksum)
        return bytes
    }
}

/// The checksum rule each version uses.
enum AdvertChecksum {
    /// The value for the checksum field of `message`, whose own checksum bytes are summed as they
    /// stand: pass zeros there to compute, or the received value to verify (a valid message then
    /// yields 0).
    static func compute(_ message: [UInt8], version: VRRPVersion, ip: IPHeaderAddresses) -> UInt16 {
        var checksum = InternetChecksum()
        if version == .v3 { ip.addPseudoHeader(length: message.count, to: &checksum) }
        checksum.add(message)
        return checksum.checksum
    }
}
