// A deterministic fuzz run of the decoder and the receiver: a million seeded inputs, random bytes
// and mutations of the keepalived golden packets (half of them with the checksum repaired so the
// checks behind it are reached). Any input must give an advert or a typed error, never a trap; an
// accepted input must survive a second trip through the codec unchanged.
import Testing
import VRRP

@Suite("Decoder fuzz run")
struct AdvertFuzzTests {
    static let inputCount = 1_000_000

    @Test("1,000,000 random and mutated inputs: only adverts or typed errors")
    func fuzz() throws {
        let seeds = try Golden.all().map(\.packet)
        var rng = SeededGenerator(seed: 0x5EED_F022)
        var reasons: [AdvertRejectionReason: Int] = [:]
        var accepted = 0
        var receiverAccepted = 0
        // Every VRID is "configured", with the settings of the first golden packet's family.
        let expectations = AdvertExpectations(version: .v3, isAddressOwner: false,
                                              advertisementInterval: interval(cs: 100),
                                              authentication: .none, virtualAddresses: [])

        for iteration in 0..<Self.inputCount {
            let (payload, ip) = Self.input(iteration: iteration, seeds: seeds, rng: &rng)
            switch Result(catching: { () throws(AdvertDecodeError) in try AdvertDecoder.decode(payload, ip: ip) }) {
            case .success(let advert):
                accepted += 1
                // Canonical form: a second round trip changes nothing.
                let redecoded = try AdvertDecoder.decode(AdvertEncoder.encode(advert, ip: ip), ip: ip)
                if redecoded != advert {
                    Issue.record("iteration \(iteration): \(advert) became \(redecoded)")
                    return
                }
            case .failure(let error):
                reasons[error.reason, default: 0] += 1
            }
            if iteration % 8 == 0 {
                let header = ReceivedPacketHeader(addresses: ip, hopLimit: iteration % 16 == 0 ? 255 : UInt8(truncatingIfNeeded: iteration))
                if case .success = AdvertReceiver.validate(payload: payload, header: header, lookup: { _ in expectations }) {
                    receiverAccepted += 1
                }
            }
        }

        // The run reached every decoder check and also produced valid adverts.
        for reason: AdvertRejectionReason in [.length, .version, .type, .addressCount, .checksum, .interval, .authType] {
            #expect(reasons[reason, default: 0] > 0, "no input reached \(reason)")
        }
        #expect(accepted > 10_000)
        #expect(receiverAccepted > 0)
        #expect(accepted + reasons.values.reduce(0, +) == Self.inputCount)
    }

    /// Input `iteration`: a quarter random bytes, the rest mutated golden payloads.
    static func input(iteration: Int, seeds: [CapturedPacket],
                      rng: inout SeededGenerator) -> ([UInt8], IPHeaderAddresses) {
        let seed = seeds[Int.random(in: 0..<seeds.count, using: &rng)]
        let ip = seed.header.addresses
        if iteration % 4 == 0 {
            let length = Int.random(in: 0...72, using: &rng)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            // Steer some random inputs at plausible version/type nibbles.
            if !bytes.isEmpty && Bool.random(using: &rng) { bytes[0] = UInt8.random(in: 2...3, using: &rng) << 4 | 1 }
            return (fixChecksumSometimes(bytes, ip: ip, rng: &rng), ip)
        }
        var bytes = seed.payload
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            mutate(&bytes, rng: &rng)
        }
        return (fixChecksumSometimes(bytes, ip: ip, rng: &rng), ip)
    }

    static func mutate(_ bytes: inout [UInt8], rng: inout SeededGenerator) {
        switch Int.random(in: 0..<6, using: &rng) {
        case 0 where !bytes.isEmpty:
            bytes[Int.random(in: 0..<bytes.count, using: &rng)] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
        case 1 where !bytes.isEmpty:
            bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
        case 2 where !bytes.isEmpty:
            bytes.removeLast(Int.random(in: 1...bytes.count, using: &rng))
        case 3:
            bytes.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 0...bytes.count, using: &rng))
        case 4 where bytes.count > 3:
            bytes[3] = UInt8.random(in: 0...255, using: &rng)  // the count field
        case 5 where bytes.count > 5:
            bytes[4] = UInt8.random(in: 0...3, using: &rng)  // auth type / interval high bits
            bytes[5] = UInt8.random(in: 0...2, using: &rng)
        default:
            bytes.append(UInt8.random(in: 0...255, using: &rng))
        }
    }

    static func fixChecksumSometimes(_ bytes: [UInt8], ip: IPHeaderAddresses,
                                     rng: inout SeededGenerator) -> [UInt8] {
        guard bytes.count >= 8, Bool.random(using: &rng) else { return bytes }
        return ReferenceChecksum.fixed(bytes, ip: ip)
    }
}
