// Invalid adverts: refused, counted by reason, never recorded, never waking the control plane.
// The VRID's policy (drop here) applies to what it claims; what no VRID claims passes untouched.
@testable import BPF
import CXDPHA
import NetLab
import Testing

@Suite("VRRP reception: rejected adverts", .enabled(if: Lab.unavailableReason == nil))
struct VRRPRxRejectTests {
    /// Runs `frame` against VRID 51 (v3, IPv4, drop) and expects one count of `reason` and no trace.
    private func expectRejected(_ bytes: [UInt8], _ reason: VRRPReceptionCounter,
                                key: VRRPReceptionKey = VRRPRxHarness.v4(51),
                                config: VRRPReceptionConfig = VRRPReceptionConfig(),
                                sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let harness = try await VRRPRxHarness([(key, config)])
        let result = try await harness.run(bytes: bytes)
        #expect(result.verdict == XDPVerdict.drop.rawValue, sourceLocation: sourceLocation)
        #expect(try await harness.counts(key).nonZero == [reason: 1], sourceLocation: sourceLocation)
        #expect(try await harness.lastAdvert(key) == nil, sourceLocation: sourceLocation)
        #expect(try await harness.events().isEmpty, sourceLocation: sourceLocation)
    }

    @Test("TTL or hop limit below 255 is refused", arguments: [VRRPAddressFamily.ipv4, .ipv6])
    func ttl(family: VRRPAddressFamily) async throws {
        var frame = family == .ipv4 ? VRRPAdvertFrame() : .ipv6(vrid: 51)
        frame.ttl = 254
        let key = family == .ipv4 ? VRRPRxHarness.v4(51) : VRRPRxHarness.v6(51)
        try await expectRejected(frame.bytes, .ttl, key: key)
    }

    @Test("A wrong checksum is refused, in v2 and v3, IPv4 and IPv6")
    func checksum() async throws {
        var v3 = VRRPAdvertFrame()
        v3.breakChecksum = true
        try await expectRejected(v3.bytes, .checksum)

        var v6 = VRRPAdvertFrame.ipv6(vrid: 51)
        v6.breakChecksum = true
        try await expectRejected(v6.bytes, .checksum, key: VRRPRxHarness.v6(51))

        var v2 = VRRPAdvertFrame.version2(vrid: 51)
        v2.breakChecksum = true
        try await expectRejected(v2.bytes, .checksum, config: VRRPReceptionConfig(version: 2))
    }

    @Test("A v3 checksum computed without the pseudo-header is refused")
    func v3ChecksumWithoutPseudoHeader() async throws {
        let frame = VRRPAdvertFrame()
        var bytes = frame.bytes
        let offset = frame.vrrpOffset
        var message = Array(bytes[offset..<(offset + 12)])
        message[6] = 0
        message[7] = 0
        let sum = InternetChecksum.compute(message)
        bytes[offset + 6] = UInt8(sum >> 8)
        bytes[offset + 7] = UInt8(sum & 0xff)
        try await expectRejected(bytes, .checksum)
    }

    @Test("A version other than the configured one is refused", arguments: [
        (UInt8(2), VRRPAddressFamily.ipv4), (UInt8(4), .ipv4), (UInt8(0), .ipv4), (UInt8(2), .ipv6),
    ])
    func version(version: UInt8, family: VRRPAddressFamily) async throws {
        var frame = family == .ipv4 ? VRRPAdvertFrame() : .ipv6(vrid: 51)
        frame.version = version
        let key = family == .ipv4 ? VRRPRxHarness.v4(51) : VRRPRxHarness.v6(51)
        try await expectRejected(frame.bytes, .version, key: key)
    }

    @Test("A v3 advert to a v2 VRID is refused")
    func v3ToVersion2() async throws {
        try await expectRejected(VRRPAdvertFrame().bytes, .version, config: VRRPReceptionConfig(version: 2))
    }

    @Test("A type other than advertisement is refused", arguments: [UInt8(0), 2, 15])
    func type(type: UInt8) async throws {
        var frame = VRRPAdvertFrame()
        frame.type = type
        try await expectRejected(frame.bytes, .type)
    }

    @Test("A password or auth type that differs from the configuration is refused")
    func authentication() async throws {
        let config = VRRPReceptionConfig(version: 2, authentication: .password(Array("s3cret".utf8)))
        try await expectRejected(VRRPAdvertFrame.version2(password: "s3creT", vrid: 51).bytes, .authentication,
                                 config: config)
        try await expectRejected(VRRPAdvertFrame.version2(password: "s3cret!", vrid: 51).bytes, .authentication,
                                 config: config)
        try await expectRejected(VRRPAdvertFrame.version2(vrid: 51).bytes, .authentication, config: config)
        try await expectRejected(VRRPAdvertFrame.version2(password: "s3cret", vrid: 51).bytes, .authentication,
                                 config: VRRPReceptionConfig(version: 2))
    }

    @Test("An address count that does not match the length is refused")
    func addressCount() async throws {
        var tooMany = VRRPAdvertFrame()
        tooMany.countField = 2
        try await expectRejected(tooMany.bytes, .addressCount)

        var tooFew = VRRPAdvertFrame()
        tooFew.addresses.append([192, 0, 2, 101])
        tooFew.countField = 1
        try await expectRejected(tooFew.bytes, .addressCount)

        var trailing = VRRPAdvertFrame()
        trailing.trailing = [0, 0, 0, 0]
        try await expectRejected(trailing.bytes, .addressCount)

        var v2CountTooHigh = VRRPAdvertFrame.version2(vrid: 51)
        v2CountTooHigh.countField = 3
        try await expectRejected(v2CountTooHigh.bytes, .addressCount, config: VRRPReceptionConfig(version: 2))
    }

    @Test("A frame cut inside the Ethernet or IP header never reaches the stage")
    func cutBeforeTheStage() async throws {
        let frame = VRRPAdvertFrame()
        let bytes = frame.bytes
        // BPF_PROG_TEST_RUN refuses frames shorter than an Ethernet header.
        for cut in [14, 20, frame.vrrpOffset - 1] {
            let harness = try await VRRPRxHarness()
            let result = try await harness.run(bytes: Array(bytes.prefix(cut)))
            #expect(result.verdict == XDPVerdict.pass.rawValue, "cut at \(cut)")
            #expect(try await harness.counts(VRRPRxHarness.v4(51)).nonZero == [:], "cut at \(cut)")
            #expect(try await harness.counts(.unclaimed(ifindex: VRRPRxHarness.loopback, family: .ipv4)).nonZero == [:])
            #expect(try await harness.program.trafficCount(.truncated) == 1, "cut at \(cut)")
        }
    }

    @Test("A frame cut inside the VRRP header passes, counted on the interface")
    func cutInsideTheHeader() async throws {
        for family in VRRPAddressFamily.allCases {
            let frame = family == .ipv4 ? VRRPAdvertFrame() : .ipv6(vrid: 51)
            let bytes = frame.bytes
            for cut in frame.vrrpOffset..<(frame.vrrpOffset + 8) {
                let harness = try await VRRPRxHarness()
                let result = try await harness.run(bytes: Array(bytes.prefix(cut)))
                #expect(result.verdict == XDPVerdict.pass.rawValue, "\(family) cut at \(cut)")
                let unclaimed = try await harness.counts(.unclaimed(ifindex: VRRPRxHarness.loopback, family: family))
                #expect(unclaimed.nonZero == [.length: 1], "\(family) cut at \(cut)")
            }
        }
    }

    @Test("A frame cut after the VRRP header, shorter than its IP length, is refused for length")
    func cutAfterTheHeader() async throws {
        var v2 = VRRPAdvertFrame.version2(vrid: 51)
        v2.addresses.append([192, 0, 2, 101])
        var v6 = VRRPAdvertFrame.ipv6(vrid: 51)
        v6.addresses.append([0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [0x65])
        let cases: [(VRRPAdvertFrame, VRRPReceptionKey, VRRPReceptionConfig, [Int])] = [
            (v2, VRRPRxHarness.v4(51), VRRPReceptionConfig(version: 2), [8, 10, 12, 16, 20, 23]),
            (v6, VRRPRxHarness.v6(51), VRRPReceptionConfig(), [8, 16, 24, 39]),
        ]
        for (frame, key, config, cuts) in cases {
            let bytes = frame.bytes
            for cut in cuts {
                try await expectRejected(Array(bytes.prefix(frame.vrrpOffset + cut)), .length, key: key, config: config)
            }
        }
    }

    @Test("An IP length that ends inside the VRRP message is refused: header short, or addresses missing")
    func ipLengthShort() async throws {
        let frame = VRRPAdvertFrame.version2(vrid: 51)
        let bytes = frame.bytes
        let config = VRRPReceptionConfig(version: 2)
        try await expectRejected(bytes.withIPv4TotalLength(20 + 4, ipOffset: frame.ipOffset), .length, config: config)
        try await expectRejected(bytes.withIPv4TotalLength(20 + 8, ipOffset: frame.ipOffset), .addressCount, config: config)
        try await expectRejected(bytes.withIPv4TotalLength(20 + 12, ipOffset: frame.ipOffset), .addressCount, config: config)
    }

    @Test("An unknown VRID passes untouched and is counted on the interface")
    func unknownVRID() async throws {
        let harness = try await VRRPRxHarness()
        var frame = VRRPAdvertFrame()
        frame.vrid = 99
        frame.ttl = 1           // also malformed: an unknown VRID is not validated further
        let bytes = frame.bytes
        let result = try await harness.run(bytes: bytes)
        #expect(result.verdict == XDPVerdict.pass.rawValue)
        #expect(result.packet == bytes)
        let unclaimed = try await harness.counts(.unclaimed(ifindex: VRRPRxHarness.loopback, family: .ipv4))
        #expect(unclaimed.nonZero == [.unknownVRID: 1])
        #expect(try await harness.counts(VRRPRxHarness.v4(51)).nonZero == [:])
        #expect(try await harness.lastAdvert(VRRPRxHarness.v4(99)) == nil)
        #expect(try await harness.events().isEmpty)

        // The same VRID over the other family is another virtual router.
        let v6 = VRRPAdvertFrame.ipv6(vrid: 51)
        #expect(try await harness.run(v6).verdict == XDPVerdict.pass.rawValue)
        #expect(try await harness.counts(.unclaimed(ifindex: VRRPRxHarness.loopback, family: .ipv6)).nonZero
                == [.unknownVRID: 1])
    }

    @Test("A VRRP fragment passes to the kernel, counted on the interface")
    func fragment() async throws {
        let harness = try await VRRPRxHarness()
        var frame = VRRPAdvertFrame()
        frame.moreFragments = true
        #expect(try await harness.run(frame).verdict == XDPVerdict.pass.rawValue)
        let unclaimed = try await harness.counts(.unclaimed(ifindex: VRRPRxHarness.loopback, family: .ipv4))
        #expect(unclaimed.nonZero == [.fragment: 1])
        #expect(try await harness.counts(VRRPRxHarness.v4(51)).nonZero == [:])
    }

    @Test("A rejected advert of a VRID set to pass is passed unchanged")
    func rejectedButPassed() async throws {
        let harness = try await VRRPRxHarness([(VRRPRxHarness.v4(51), VRRPReceptionConfig(handledAdverts: .pass))])
        var frame = VRRPAdvertFrame()
        frame.breakChecksum = true
        let bytes = frame.bytes
        let result = try await harness.run(bytes: bytes)
        #expect(result.verdict == XDPVerdict.pass.rawValue)
        #expect(result.packet == bytes)
        #expect(try await harness.counts(VRRPRxHarness.v4(51)).nonZero == [.checksum: 1])
    }
}
