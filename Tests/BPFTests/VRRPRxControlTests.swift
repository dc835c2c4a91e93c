// The control plane's side of the stage: the shared enum, configuration checks, switching the
// stage per interface, and which interface a test run is received on.
@testable import BPF
import CXDPHA
import NetLab
import Testing

@Suite("VRRP reception: control plane")
struct VRRPRxControlTests {
    @Test("The Swift counter enum mirrors XDPHA_VRRP_RX_* one to one, in order")
    func counterEnumMatchesHeader() {
        #expect(VRRPReceptionCounter.allCases.count == VRRPReceptionCounter.mapCount)
        for counter in VRRPReceptionCounter.allCases {
            #expect(counter.mapIndex == counter.rawValue, "\(counter)")
        }
        #expect(MemoryLayout<xdpha_vrrp_counters>.size == VRRPReceptionCounter.mapCount * 8)
        #expect(MemoryLayout<xdpha_vrrp_key>.size == 8)
        #expect(MemoryLayout<xdpha_vrrp_advert>.size == 32)
        #expect(MemoryLayout<xdpha_vrrp_event>.size == 40)
    }

    @Test("Counters print as operators read them")
    func counterNames() {
        #expect(VRRPReceptionCounter.unknownVRID.description == "unknown-vrid")
        #expect(VRRPReceptionCounter.checksum.description == "checksum")
        #expect(Set(VRRPReceptionCounter.allCases.map(\.description)).count == VRRPReceptionCounter.allCases.count)
    }

    @Test("Configurations the stage cannot honour are refused with a typed error")
    func configurationErrors() throws {
        let v4 = VRRPReceptionKey(ifindex: 1, family: .ipv4, vrid: 51)
        let v6 = VRRPReceptionKey(ifindex: 1, family: .ipv6, vrid: 51)
        let zero = VRRPReceptionKey(ifindex: 1, family: .ipv4, vrid: 0)
        #expect(throws: VRRPReceptionError.invalidVRID(0)) { try VRRPReceptionConfig().mapValue(for: zero) }
        #expect(throws: VRRPReceptionError.version2OverIPv6) { try VRRPReceptionConfig(version: 2).mapValue(for: v6) }
        #expect(throws: VRRPReceptionError.unsupportedVersion(4)) { try VRRPReceptionConfig(version: 4).mapValue(for: v4) }
        #expect(throws: VRRPReceptionError.authenticationNeedsVersion2) {
            try VRRPReceptionConfig(authentication: .password([1])).mapValue(for: v4)
        }
        #expect(throws: VRRPReceptionError.passwordTooLong(9)) {
            try VRRPReceptionConfig(version: 2, authentication: .password(Array("123456789".utf8))).mapValue(for: v4)
        }
        let value = try VRRPReceptionConfig(version: 2, authentication: .password(Array("ab".utf8)), isMaster: true,
                                            handledAdverts: .pass).mapValue(for: v4)
        #expect(value.version == 2)
        #expect(Int(value.flags) == XDPHA_VRRP_CONFIG_MASTER)
        #expect(value.auth_type == UInt8(XDPHA_VRRP_AUTH_PASSWORD))
        #expect(withUnsafeBytes(of: value.auth_data) { Array($0) } == [97, 98, 0, 0, 0, 0, 0, 0])
    }

    @Test("Peer addresses parse and print in both families")
    func peerAddresses() {
        #expect(VRRPPeerAddress("192.0.2.1")?.bytes == [192, 0, 2, 1])
        #expect(VRRPPeerAddress("2001:db8::1")?.description == "2001:db8::1")
        #expect(VRRPPeerAddress("192.0.2.300") == nil)
    }

    @Test("Switching the stage on and off per interface", .enabled(if: Lab.unavailableReason == nil))
    func interfaceSwitch() async throws {
        let program = try EntryProgram()
        #expect(try await program.interfaceStageFlags(ifindex: 7) == nil)
        try await program.enableVRRPReception(ifindex: 7)
        try await program.enableVRRPReception(ifindex: 7)
        #expect(try await program.interfaceStageFlags(ifindex: 7) == UInt32(XDPHA_IFACE_VRRP_RX))
        #expect(try await program.vrrpCounts(.unclaimed(ifindex: 7, family: .ipv6))?.nonZero == [:])
        try await program.disableVRRPReception(ifindex: 7)
        #expect(try await program.interfaceStageFlags(ifindex: 7) == nil)
    }

    @Test("Without the stage switched on, VRRP passes untouched and nothing is counted",
          .enabled(if: Lab.unavailableReason == nil))
    func stageOff() async throws {
        let program = try EntryProgram()
        let key = VRRPRxHarness.v4(51)
        try await program.configureVRRP(key, VRRPReceptionConfig())
        let bytes = VRRPAdvertFrame().bytes
        let result = try await program.testRunEntry(frame: bytes)
        #expect(result.verdict == XDPVerdict.pass.rawValue)
        #expect(result.packet == bytes)
        #expect(try await program.vrrpCounts(key)?.nonZero == [:])
        #expect(try await program.trafficCount(.vrrp) == 1)
    }

    @Test("A test run without context is received on loopback (ifindex 1), as one that names it",
          .enabled(if: Lab.unavailableReason == nil))
    func testRunInterface() async throws {
        let harness = try await VRRPRxHarness()
        let bytes = VRRPAdvertFrame().bytes
        #expect(try await harness.program.testRunEntry(frame: bytes).verdict == XDPVerdict.drop.rawValue)
        #expect(try await harness.program.testRunEntry(frame: bytes, ingressIfindex: 1).verdict
                == XDPVerdict.drop.rawValue)
        #expect(try await harness.counts(VRRPRxHarness.v4(51))[.accepted] == 2)
        await #expect(throws: BPFError.self) {
            try await harness.program.testRunEntry(frame: bytes, ingressIfindex: 0x7fff_fff0)
        }
    }

    @Test("Removing a VRID forgets it: its adverts then pass as unknown", .enabled(if: Lab.unavailableReason == nil))
    func removeVRID() async throws {
        let key = VRRPRxHarness.v4(51)
        let harness = try await VRRPRxHarness()
        _ = try await harness.run(VRRPAdvertFrame())
        try await harness.program.removeVRRP(key)
        #expect(try await harness.program.vrrpCounts(key) == nil)
        #expect(try await harness.lastAdvert(key) == nil)
        #expect(try await harness.run(VRRPAdvertFrame()).verdict == XDPVerdict.pass.rawValue)
        #expect(try await harness.counts(.unclaimed(ifindex: VRRPRxHarness.loopback, family: .ipv4)).nonZero
                == [.unknownVRID: 1])
        await #expect(throws: VRRPReceptionError.notConfigured(key)) {
            try await harness.program.setVRRPMaster(key, true)
        }
    }
}
