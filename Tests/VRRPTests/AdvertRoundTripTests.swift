// Property: for any advert the encoder accepts, decode(encode(advert)) == advert, and the bytes
// carry a checksum the independent reference implementation agrees with.
import Testing
import VRRP

/// Random valid adverts and packet addresses, reproducible from a seed.
struct RandomAdverts {
    var rng: SeededGenerator

    init(seed: UInt64) { rng = SeededGenerator(seed: seed) }

    mutating func ipv4() -> IPv4Address { IPv4Address(UInt32.random(in: .min ... .max, using: &rng)) }

    mutating func ipv6() -> IPv6Address {
        IPv6Address(high: UInt64.random(in: .min ... .max, using: &rng),
                    low: UInt64.random(in: .min ... .max, using: &rng))
    }

    mutating func packet(_ family: IPFamily) -> IPHeaderAddresses {
        family == .ipv4 ? .ipv4(source: ipv4(), destination: ipv4()) : .ipv6(source: ipv6(), destination: ipv6())
    }

    /// An advert and the packet it travels in.
    mutating func advert() -> (VRRPAdvert, IPHeaderAddresses) {
        let version: VRRPVersion = Bool.random(using: &rng) ? .v2 : .v3
        let family: IPFamily = version == .v2 || Bool.random(using: &rng) ? .ipv4 : .ipv6
        // Mostly small lists, sometimes the 255 maximum.
        let count = Int.random(in: 0...20, using: &rng) == 0 ? 255 : Int.random(in: 0...8, using: &rng)
        let addresses: [IPAddress] = (0..<count).map { _ in family == .ipv4 ? .v4(ipv4()) : .v6(ipv6()) }
        let centiseconds = version == .v2 ? 100 * Int.random(in: 1...255, using: &rng)
                                          : Int.random(in: 1...4095, using: &rng)
        var authentication = V2Authentication.none
        if version == .v2 && Bool.random(using: &rng) {
            let field = (0..<8).map { _ in UInt8.random(in: 0...255, using: &rng) }
            authentication = .simplePassword(VRRPPassword(field: field)!)
        }
        let advert = VRRPAdvert(version: version, virtualRouterID: .random(in: 0...255, using: &rng),
                                priority: .random(in: 0...255, using: &rng),
                                interval: AdvertInterval(centiseconds: centiseconds)!,
                                addresses: addresses, authentication: authentication)
        return (advert, packet(family))
    }
}

@Suite("Advert round trip (seeded property tests)")
struct AdvertRoundTripTests {
    @Test("decode(encode(a)) == a for 20,000 random adverts", arguments: [UInt64(1), 2, 0xDEC0DE, 0xFEED_F00D])
    func roundTrip(seed: UInt64) throws {
        var generator = RandomAdverts(seed: seed)
        for _ in 0..<5_000 {
            let (advert, ip) = generator.advert()
            let bytes = try AdvertEncoder.encode(advert, ip: ip)
            #expect(bytes.count == advert.encodedLength(family: ip.family))
            let decoded = try AdvertDecoder.decode(bytes, ip: ip)
            guard decoded == advert else {
                Issue.record("seed \(seed): \(advert) decoded as \(decoded)")
                return
            }
            let checksum = UInt16(bytes[6]) << 8 | UInt16(bytes[7])
            #expect(checksum == ReferenceChecksum.compute(bytes, v3: advert.version == .v3, ip: ip))
        }
    }

    @Test("encode(decode(b)) == b for the bytes of random adverts (the encoding is canonical)")
    func canonical() throws {
        var generator = RandomAdverts(seed: 42)
        for _ in 0..<5_000 {
            let (advert, ip) = generator.advert()
            let bytes = try AdvertEncoder.encode(advert, ip: ip)
            #expect(try AdvertEncoder.encode(AdvertDecoder.decode(bytes, ip: ip), ip: ip) == bytes)
        }
    }
}
