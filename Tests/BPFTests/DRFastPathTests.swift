// The shortcuts of the established-flow path keep its behaviour: the connection table is asked
// before the service maps, and the interface's stages are read from a direct-mapped slot before
// xdpha_ifaces (bpf/include/xdpha_maps.h). Each test checks a case where the shortcut alone
// would decide wrongly.
import Balancer
import CXDPHA
import NetLab
import Testing
@testable import BPF

@Suite(.enabled(if: Lab.unavailableReason == nil, "needs root for BPF"))
struct DRFastPathTests {
    @Test func aKnownFlowIsNoLongerSteeredOnceItsServiceIsRemoved() async throws {
        var fixture = try await DRFixture([drService(reals: drReals(3))])
        var frame = DRFrame(from: "192.0.2.31", to: drVIP)
        #expect(try await fixture.run(frame).verdict == XDPVerdict.tx.rawValue)
        #expect(try await fixture.connection(frame) != nil, "the flow is in the connection table")

        try await fixture.apply([])
        frame.transport = .tcp(flags: DRFrame.ack)
        let later = try await fixture.run(frame)
        #expect(later.verdict == XDPVerdict.pass.rawValue, "the table still names a real, but it left with its service")
        #expect(later.packet == frame.bytes)
    }

    @Test func anInterfaceWhoseSlotAnotherHoldsIsServedFromTheHashMap() async throws {
        let fixture = try await DRFixture([drService(reals: drReals(3))])
        let ingress = DRTestLink.ingress
        let sharing = ingress + UInt32(XDPHA_IFACE_SLOTS)   // same slot, another interface
        try await fixture.program.setDRSteering(false, ifindex: ingress)
        try await fixture.program.setDRSteering(true, ifindex: sharing)   // takes the free slot
        try await fixture.program.setDRSteering(true, ifindex: ingress)   // slot taken: hash only

        let frame = DRFrame(from: "192.0.2.32", to: drVIP)
        #expect(try await fixture.run(frame).verdict == XDPVerdict.tx.rawValue, "found through xdpha_ifaces")

        try await fixture.program.setDRSteering(false, ifindex: ingress)
        #expect(try await fixture.run(frame).verdict == XDPVerdict.pass.rawValue,
                "off for this interface although its slot names another with DR on")
        try await fixture.program.setDRSteering(false, ifindex: sharing)
        try await fixture.program.setDRSteering(true, ifindex: ingress)    // the slot is free again
        #expect(try await fixture.run(frame).verdict == XDPVerdict.tx.rawValue)
    }
}
