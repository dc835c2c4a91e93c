// The wire format of RFC 3768 section 5 and RFC 5798 section 5, and every typed decode and encode
// error.
import Testing
import VRRP

private let v4Packet = IPHeaderAddresses.ipv4(source: v4("198.51.100.1"), destination: v4("224.0.0.18"))
private let v6Packet = IPHeaderAddresses.ipv6(source: v6("fe80::1"), destination: v6("ff02::12"))

private func decode(_ bytes: [UInt8], _ ip: IPHeaderAddresses = v4Packet) throws(AdvertDecodeError) -> VRRPAdvert {
    try AdvertDecoder.decode(bytes, ip: ip)
}

private func decodeError(_ bytes: [UInt8], _ ip: IPHeaderAddresses = v4Packet) -> AdvertDecodeError? {
    do {
        _ = try AdvertDecoder.decode(bytes, ip: ip)
        return nil
    } catch {
        return error
    }
}

@Suite("Advert encoding (RFC 3768 5.1, RFC 5798 5.1)")
struct AdvertEncodingTests {
    @Test("v3 layout: version 3 type 1, VRID, priority, count, 12-bit centiseconds, then addresses")
    func v3Layout() throws {
        let advert = VRRPAdvert(version: .v3, virtualRouterID: 9, priority: 200, interval: interval(cs: 4095),
                                addresses: [ip("198.51.100.100"), ip("203.0.113.7")])
        let bytes = try AdvertEncoder.encode(advert, ip: v4Packet)
        #expect(bytes.count == 16)
        #expect(Array(bytes[0..<6]) == [0x31, 9, 200, 2, 0x0F, 0xFF])
        #expect(Array(bytes[8...]) == [198, 51, 100, 100, 203, 0, 113, 7])
        let checksum = UInt16(bytes[6]) << 8 | UInt16(bytes[7])
        #expect(checksum == ReferenceChecksum.compute(bytes, v3: true, ip: v4Packet))
    }

    @Test("v3 over IPv6: 16-byte addresses and the IPv6 pseudo-header in the checksum")
    func v3IPv6Layout() throws {
        let advert = VRRPAdvert(version: .v3, virtualRouterID: 1, priority: 100, interval: interval(cs: 100),
                                addresses: [ip("fe80::100"), ip("2001:db8::100")])
        let bytes = try AdvertEncoder.encode(advert, ip: v6Packet)
        #expect(bytes.count == 8 + 32)
        #expect(Array(bytes[8..<24]) == v6("fe80::100").bytes)
        let checksum = UInt16(bytes[6]) << 8 | UInt16(bytes[7])
        #expect(checksum == ReferenceChecksum.compute(bytes, v3: true, ip: v6Packet))
    }

    @Test("v2 layout: auth type, whole seconds, checksum over the message only, 8-byte auth data")
    func v2Layout() throws {
        let advert = VRRPAdvert(version: .v2, virtualRouterID: 51, priority: 150, interval: interval(cs: 300),
                                addresses: [ip("198.51.100.100")],
                                authentication: .simplePassword(password("pw")))
        let bytes = try AdvertEncoder.encode(advert, ip: v4Packet)
        #expect(Array(bytes[0..<6]) == [0x21, 51, 150, 1, 1, 3])
        #expect(Array(bytes[12...]) == [0x70, 0x77, 0, 0, 0, 0, 0, 0])
        let checksum = UInt16(bytes[6]) << 8 | UInt16(bytes[7])
        #expect(checksum == ReferenceChecksum.compute(bytes, v3: false, ip: v4Packet))
        // The v2 checksum does not depend on the IP addresses.
        let elsewhere = IPHeaderAddresses.ipv4(source: v4("203.0.113.1"), destination: v4("224.0.0.18"))
        #expect(try AdvertEncoder.encode(advert, ip: elsewhere) == bytes)
    }

    @Test("v2 without authentication sends a zeroed authentication data field")
    func v2NoAuthentication() throws {
        let advert = VRRPAdvert(version: .v2, virtualRouterID: 1, priority: 1, interval: interval(cs: 25500),
                                addresses: [ip("198.51.100.100")])
        let bytes = try AdvertEncoder.encode(advert, ip: v4Packet)
        #expect(bytes[4] == 0 && bytes[5] == 255)
        #expect(bytes[12...].allSatisfy { $0 == 0 })
    }

    @Test("encode refuses v2 over IPv6")
    func v2OverIPv6() {
        let advert = VRRPAdvert(version: .v2, virtualRouterID: 1, priority: 1, interval: interval(cs: 100),
                                addresses: [ip("2001:db8::1")])
        #expect(throws: AdvertEncodeError.version2OverIPv6) { try AdvertEncoder.encode(advert, ip: v6Packet) }
    }

    @Test("encode refuses an address of the other family")
    func familyMismatch() {
        let advert = VRRPAdvert(version: .v3, virtualRouterID: 1, priority: 1, interval: interval(cs: 100),
                                addresses: [ip("198.51.100.1"), ip("2001:db8::1")])
        #expect(throws: AdvertEncodeError.addressFamilyMismatch(ip("2001:db8::1"), packetFamily: .ipv4)) {
            try AdvertEncoder.encode(advert, ip: v4Packet)
        }
    }

    @Test("encode refuses more than 255 addresses")
    func tooManyAddresses() {
        let addresses = (0..<256).map { IPAddress.v4(IPv4Address(0xC633_6400 + UInt32($0))) }
        let advert = VRRPAdvert(version: .v3, virtualRouterID: 1, priority: 1, interval: interval(cs: 100),
                                addresses: addresses)
        #expect(throws: AdvertEncodeError.tooManyAddresses(256)) { try AdvertEncoder.encode(advert, ip: v4Packet) }
    }

    @Test("encode refuses intervals a version cannot carry: v2 fractions, v3 above 40.95 s")
    func intervalOutOfRange() {
        let fraction = VRRPAdvert(version: .v2, virtualRouterID: 1, priority: 1, interval: interval(cs: 150),
                                  addresses: [])
        #expect(throws: AdvertEncodeError.intervalNotRepresentable(interval(cs: 150), .v2)) {
            try AdvertEncoder.encode(fraction, ip: v4Packet)
        }
        let long = VRRPAdvert(version: .v3, virtualRouterID: 1, priority: 1, interval: interval(cs: 4096),
                              addresses: [])
        #expect(throws: AdvertEncodeError.intervalNotRepresentable(interval(cs: 4096), .v3)) {
            try AdvertEncoder.encode(long, ip: v4Packet)
        }
        #expect(AdvertInterval(centiseconds: 0) == nil)
        #expect(AdvertInterval(centiseconds: 25501) == nil)
        #expect(AdvertInterval(seconds: 256) == nil)
    }

    @Test("encode refuses authentication in v3, which has no field for it")
    func authenticationInV3() {
        let advert = VRRPAdvert(version: .v3, virtualRouterID: 1, priority: 1, interval: interval(cs: 100),
                                addresses: [], authentication: .simplePassword(password("x")))
        #expect(throws: AdvertEncodeError.authenticationInVersion3) { try AdvertEncoder.encode(advert, ip: v4Packet) }
    }

    @Test("passwords: 1...8 UTF-8 bytes, zero padded")
    func passwords() {
        #expect(VRRPPassword("") == nil)
        #expect(VRRPPassword("123456789") == nil)
        #expect(VRRPPassword("12345678")?.field == Array("12345678".utf8))
        #expect(VRRPPassword("ab")?.description == "ab")
        #expect(VRRPPassword(field: [1, 2, 3]) == nil)
    }

    @Test("auth_pass longer than 8 bytes: the first 8 are the password, as keepalived sends it")
    func truncatedPasswords() {
        #expect(VRRPPassword(truncating: "0123456789")?.field == Array("01234567".utf8))
        #expect(VRRPPassword(truncating: "abc") == VRRPPassword("abc"))
        #expect(VRRPPassword(truncating: "") == nil)
        // Bytes, not characters: a multi-byte character may be cut, as keepalived's copy does.
        #expect(VRRPPassword(truncating: "pässwort")?.field == Array("pässwort".utf8.prefix(8)))
    }
}

@Suite("Advert decoding errors")
struct AdvertDecodingErrorTests {
    /// A valid v3 IPv4 advert with one address.
    private var valid: [UInt8] {
        get throws {
            try AdvertEncoder.encode(VRRPAdvert(version: .v3, virtualRouterID: 7, priority: 100,
                                                interval: interval(cs: 100), addresses: [ip("198.51.100.100")]),
                                     ip: v4Packet)
        }
    }

    @Test("fewer than 8 bytes: truncated, reason length")
    func truncated() {
        for length in 0..<8 {
            let error = decodeError(Array(repeating: 0x31, count: length))
            #expect(error == .truncated(length: length))
            #expect(error?.reason == .length)
        }
    }

    @Test("version other than 2 or 3, or 2 over IPv6: reason version")
    func version() throws {
        for nibble: UInt8 in [0, 1, 4, 15] {
            var bytes = try valid
            bytes[0] = nibble << 4 | 1
            #expect(decodeError(ReferenceChecksum.fixed(bytes, ip: v4Packet)) == .unsupportedVersion(nibble, family: .ipv4))
        }
        var v2 = [UInt8](repeating: 0, count: 8 + 16 + 8)
        v2[0] = 0x21
        v2[3] = 1
        v2[5] = 1
        #expect(decodeError(ReferenceChecksum.fixed(v2, ip: v6Packet), v6Packet) == .unsupportedVersion(2, family: .ipv6))
        #expect(decodeError(ReferenceChecksum.fixed(v2, ip: v6Packet), v6Packet)?.reason == .version)
    }

    @Test("type other than 1 (ADVERTISEMENT): reason type")
    func type() throws {
        for type: UInt8 in [0, 2, 15] {
            var bytes = try valid
            bytes[0] = 0x30 | type
            let error = decodeError(ReferenceChecksum.fixed(bytes, ip: v4Packet))
            #expect(error == .unknownType(type))
            #expect(error?.reason == .type)
        }
    }

    @Test("length disagreeing with the count field: reason addressCount")
    func addressCount() throws {
        var moreDeclared = try valid
        moreDeclared[3] = 2
        #expect(decodeError(moreDeclared) == .addressCountMismatch(count: 2, expectedLength: 16, actualLength: 12))
        let trailing = try valid + [0]
        #expect(decodeError(trailing) == .addressCountMismatch(count: 1, expectedLength: 12, actualLength: 13))
        #expect(decodeError(trailing)?.reason == .addressCount)
        // A v2 advert without its 8-byte authentication data is incomplete.
        var v2 = try AdvertEncoder.encode(VRRPAdvert(version: .v2, virtualRouterID: 1, priority: 1,
                                                     interval: interval(cs: 100), addresses: [ip("198.51.100.1")]),
                                          ip: v4Packet)
        v2.removeLast(8)
        #expect(decodeError(v2) == .addressCountMismatch(count: 1, expectedLength: 20, actualLength: 12))
    }

    @Test("any flipped bit is a bad checksum, reported with the value the sender should have used")
    func checksum() throws {
        let good = try valid
        for index in good.indices where index != 0 && index != 3 {
            for bit in 0..<8 {
                var bad = good
                bad[index] ^= 1 << bit
                guard case .badChecksum(let received, let expected)? = decodeError(bad) else {
                    Issue.record("byte \(index) bit \(bit) not caught")
                    continue
                }
                #expect(received == UInt16(bad[6]) << 8 | UInt16(bad[7]))
                #expect(expected == ReferenceChecksum.compute(bad, v3: true, ip: v4Packet))
            }
        }
    }

    @Test("zero interval: reason interval, in both versions")
    func zeroInterval() throws {
        var v3 = try valid
        v3[4] = 0
        v3[5] = 0
        #expect(decodeError(ReferenceChecksum.fixed(v3, ip: v4Packet)) == .zeroInterval)
        var v2 = try AdvertEncoder.encode(VRRPAdvert(version: .v2, virtualRouterID: 1, priority: 1,
                                                     interval: interval(cs: 100), addresses: [ip("198.51.100.1")]),
                                          ip: v4Packet)
        v2[5] = 0
        let error = decodeError(ReferenceChecksum.fixed(v2, ip: v4Packet))
        #expect(error == .zeroInterval)
        #expect(error?.reason == .interval)
    }

    @Test("v2 auth type 2 (IP Authentication Header) and unknown types are refused: reason authType")
    func authType() throws {
        let base = try AdvertEncoder.encode(VRRPAdvert(version: .v2, virtualRouterID: 1, priority: 1,
                                                       interval: interval(cs: 100), addresses: [ip("198.51.100.1")]),
                                            ip: v4Packet)
        for type: UInt8 in [2, 3, 255] {
            var bytes = base
            bytes[4] = type
            let error = decodeError(ReferenceChecksum.fixed(bytes, ip: v4Packet))
            #expect(error == .unsupportedAuthType(type))
            #expect(error?.reason == .authType)
        }
        #expect(AdvertDecodeError.unsupportedAuthType(2).description.contains("Authentication Header"))
    }

    @Test("v3 ignores the four reserved bits before Max Adver Int (RFC 5798 5.2.7)")
    func reservedBitsIgnored() throws {
        var bytes = try valid
        bytes[4] |= 0xF0
        let advert = try decode(ReferenceChecksum.fixed(bytes, ip: v4Packet))
        #expect(advert.interval == interval(cs: 100))
    }

    @Test("v2 auth type 0 ignores whatever the authentication data field holds")
    func v2NoneIgnoresData() throws {
        var bytes = try AdvertEncoder.encode(VRRPAdvert(version: .v2, virtualRouterID: 1, priority: 1,
                                                        interval: interval(cs: 100), addresses: [ip("198.51.100.1")]),
                                             ip: v4Packet)
        bytes[12] = 0x41
        let advert = try decode(ReferenceChecksum.fixed(bytes, ip: v4Packet))
        #expect(advert.authentication == .none)
    }

    @Test("count 0 is read as an advert without addresses (keepalived sends these for VIP-less instances)")
    func noAddresses() throws {
        let advert = VRRPAdvert(version: .v3, virtualRouterID: 3, priority: 50, interval: interval(cs: 10), addresses: [])
        let bytes = try AdvertEncoder.encode(advert, ip: v6Packet)
        #expect(bytes.count == 8)
        #expect(try decode(bytes, v6Packet) == advert)
    }

    @Test("every decode error maps to a stable counter name")
    func reasonNames() {
        #expect(AdvertRejectionReason.allCases.map(\.rawValue) == [
            "ttl", "version", "type", "length", "addressCount", "checksum", "interval", "authType",
            "authMismatch", "unknownVRID", "localOwner", "addressListMismatch"])
        for reason in AdvertRejectionReason.allCases {
            #expect(AdvertRejectionReason(code: reason.code) == reason)
        }
        #expect(Set(AdvertRejectionReason.allCases.map(\.code)).count == AdvertRejectionReason.allCases.count)
    }
}
