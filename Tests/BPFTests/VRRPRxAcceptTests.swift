// Valid adverts: recorded, counted, and waking the control plane only when something changed.
@testable import BPF
import CXDPHA
import NetLab
import Testing

@Suite("VRRP reception: valid adverts", .enabled(if: Lab.unavailableReason == nil))
struct VRRPRxAcceptTests {
    @Test("A v3 IPv4 advert is recorded, counted, dropped as configured, and wakes once as a new master")
    func v3IPv4() async throws {
        let harness = try await VRRPRxHarness()
        let before = VRRPClock.now()
        let result = try await harness.run(VRRPAdvertFrame())
        let after = VRRPClock.now()

        #expect(result.verdict == XDPVerdict.drop.rawValue)
        let record = try #require(try await harness.lastAdvert(VRRPRxHarness.v4(51)))
        #expect(record.source == VRRPPeerAddress("192.0.2.1"))
        #expect(record.priority == 100)
        #expect(record.maxAdverIntervalCentiseconds == 100)
        #expect(record.addressCount == 1)
        #expect(record.version == 3)
        #expect(record.receivedAtNanoseconds >= before && record.receivedAtNanoseconds <= after)
        #expect(try await harness.counts(VRRPRxHarness.v4(51)).nonZero == [.accepted: 1])

        let events = try await harness.events()
        #expect(events.count == 1)
        #expect(events.first?.key == VRRPRxHarness.v4(51))
        #expect(events.first?.reasons == .newMaster)
        #expect(events.first?.advert == record)
    }

    @Test("A v3 IPv6 advert is recorded with its link-local source and wakes once")
    func v3IPv6() async throws {
        let key = VRRPRxHarness.v6(61)
        let harness = try await VRRPRxHarness([(key, VRRPReceptionConfig())])
        var frame = VRRPAdvertFrame.ipv6(vrid: 61, priority: 200)
        frame.interval = 10
        frame.addresses.append([0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [0x65])

        #expect(try await harness.run(frame).verdict == XDPVerdict.drop.rawValue)
        let record = try #require(try await harness.lastAdvert(key))
        #expect(record.source == VRRPPeerAddress("fe80::1"))
        #expect(record.priority == 200)
        #expect(record.maxAdverIntervalCentiseconds == 10)
        #expect(record.addressCount == 2)
        #expect(try await harness.counts(key).nonZero == [.accepted: 1])
        #expect(try await harness.events().map(\.reasons) == [.newMaster])
    }

    @Test("A v2 advert with the right password is accepted, its seconds turned into centiseconds, and passed")
    func v2Password() async throws {
        let key = VRRPRxHarness.v4(52)
        let config = VRRPReceptionConfig(version: 2, authentication: .password(Array("s3cret".utf8)),
                                         handledAdverts: .pass)
        let harness = try await VRRPRxHarness([(key, config)])
        var frame = VRRPAdvertFrame.version2(password: "s3cret")
        frame.interval = 3
        let bytes = frame.bytes

        let result = try await harness.run(bytes: bytes)
        #expect(result.verdict == XDPVerdict.pass.rawValue)
        #expect(result.packet == bytes)
        let record = try #require(try await harness.lastAdvert(key))
        #expect(record.version == 2)
        #expect(record.maxAdverIntervalCentiseconds == 300)
        #expect(try await harness.counts(key).nonZero == [.accepted: 1])
        #expect(try await harness.events().count == 1)
    }

    @Test("The same advert again wakes nobody but moves the timestamp")
    func repeatIsQuiet() async throws {
        let key = VRRPRxHarness.v4(51)
        let harness = try await VRRPRxHarness()
        _ = try await harness.run(VRRPAdvertFrame())
        let first = try #require(try await harness.lastAdvert(key))
        #expect(try await harness.events().count == 1)

        for _ in 0..<5 { _ = try await harness.run(VRRPAdvertFrame()) }
        let last = try #require(try await harness.lastAdvert(key))
        #expect(last.receivedAtNanoseconds > first.receivedAtNanoseconds)
        #expect(try await harness.events().isEmpty)
        #expect(try await harness.counts(key)[.accepted] == 6)
    }

    @Test("A priority change, an interval change, priority 0 and a new source each wake the control plane")
    func changesWake() async throws {
        let key = VRRPRxHarness.v4(51)
        let harness = try await VRRPRxHarness()
        var frame = VRRPAdvertFrame()
        _ = try await harness.run(frame)
        _ = try await harness.events()

        frame.priority = 120
        _ = try await harness.run(frame)
        #expect(try await harness.events().map(\.reasons) == [.priorityChanged])

        frame.interval = 50
        _ = try await harness.run(frame)
        let intervalEvents = try await harness.events()
        #expect(intervalEvents.map(\.reasons) == [.intervalChanged])
        #expect(intervalEvents.first?.advert.maxAdverIntervalCentiseconds == 50)

        frame.priority = 0
        _ = try await harness.run(frame)
        #expect(try await harness.events().map(\.reasons) == [[.priorityChanged, .priorityZero]])

        frame.priority = 120
        frame.source = [192, 0, 2, 2]
        _ = try await harness.run(frame)
        let takeover = try await harness.events()
        #expect(takeover.map(\.reasons) == [.newMaster])
        #expect(takeover.first?.advert.source == VRRPPeerAddress("192.0.2.2"))
        #expect(try await harness.lastAdvert(key)?.source == VRRPPeerAddress("192.0.2.2"))
        #expect(try await harness.counts(key)[.accepted] == 5)
    }

    @Test("While marked master every advert wakes the control plane; reconfiguring keeps the record")
    func whileMaster() async throws {
        let key = VRRPRxHarness.v4(51)
        let harness = try await VRRPRxHarness()
        _ = try await harness.run(VRRPAdvertFrame())
        _ = try await harness.events()

        try await harness.program.setVRRPMaster(key, true)
        #expect(try await harness.lastAdvert(key)?.source == VRRPPeerAddress("192.0.2.1"))
        _ = try await harness.run(VRRPAdvertFrame())
        _ = try await harness.run(VRRPAdvertFrame())
        #expect(try await harness.events().map(\.reasons) == [.whileMaster, .whileMaster])

        try await harness.program.setVRRPMaster(key, false)
        _ = try await harness.run(VRRPAdvertFrame())
        #expect(try await harness.events().isEmpty)
        #expect(try await harness.counts(key)[.accepted] == 4)
    }

    @Test("Long adverts are summed whole: 255 IPv4 addresses, 100 IPv6 addresses; a flipped last byte is caught")
    func longAdverts() async throws {
        var v4 = VRRPAdvertFrame()
        v4.addresses = (0..<255).map { [198, 51, 100, UInt8($0)] }
        var v6 = VRRPAdvertFrame.ipv6(vrid: 51)
        v6.addresses = (0..<100).map { [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [UInt8($0)] }
        for (frame, key) in [(v4, VRRPRxHarness.v4(51)), (v6, VRRPRxHarness.v6(51))] {
            let harness = try await VRRPRxHarness([(key, VRRPReceptionConfig())])
            var bytes = frame.bytes
            #expect(try await harness.run(bytes: bytes).verdict == XDPVerdict.drop.rawValue)
            #expect(try await harness.lastAdvert(key)?.addressCount == UInt8(frame.addresses.count))
            bytes[bytes.count - 1] ^= 0x01
            _ = try await harness.run(bytes: bytes)
            #expect(try await harness.counts(key).nonZero == [.accepted: 1, .checksum: 1])
        }
    }

    @Test("When the ring buffer is full, wakeups are lost and counted; adverts still are recorded")
    func ringFull() async throws {
        let key = VRRPRxHarness.v4(51)
        let harness = try await VRRPRxHarness([(key, VRRPReceptionConfig(isMaster: true))])
        // 64 KiB hold about 1365 records of 40 bytes plus an 8-byte header each.
        let runs = 1500
        let bytes = VRRPAdvertFrame().bytes
        for _ in 0..<runs { _ = try await harness.run(bytes: bytes) }
        let counts = try await harness.counts(key)
        #expect(counts[.accepted] == UInt64(runs))
        #expect(counts[.eventLost] > 0)
        let events = try await harness.events()
        #expect(UInt64(events.count) + counts[.eventLost] == UInt64(runs))
        #expect(events.allSatisfy { $0.reasons.contains(.whileMaster) })

        _ = try await harness.run(bytes: bytes)
        #expect(try await harness.events().count == 1)
    }

    @Test("An 802.1Q-tagged advert is accepted")
    func vlanTagged() async throws {
        let harness = try await VRRPRxHarness()
        var frame = VRRPAdvertFrame()
        frame.vlan = 100
        #expect(try await harness.run(frame).verdict == XDPVerdict.drop.rawValue)
        #expect(try await harness.counts(VRRPRxHarness.v4(51)).nonZero == [.accepted: 1])
        #expect(try await harness.program.trafficCount(.vlan) == 1)
    }

    @Test("Adverts of one VRID do not touch another's record or counters")
    func vridsAreSeparate() async throws {
        let harness = try await VRRPRxHarness([(VRRPRxHarness.v4(51), VRRPReceptionConfig()),
                                               (VRRPRxHarness.v4(52), VRRPReceptionConfig())])
        _ = try await harness.run(VRRPAdvertFrame())
        #expect(try await harness.lastAdvert(VRRPRxHarness.v4(52)) == nil)
        #expect(try await harness.counts(VRRPRxHarness.v4(52)).nonZero == [:])
        #expect(try await harness.counts(VRRPRxHarness.v4(51)).nonZero == [.accepted: 1])
    }
}
