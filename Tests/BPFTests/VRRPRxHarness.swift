// A fresh entry program per test (test runs write the real maps), with the VRRP stage switched
// on for the interface that BPF_PROG_TEST_RUN reports when given no context: the calling
// thread's loopback device, ifindex 1.
@testable import BPF
import NetLab

struct VRRPRxHarness {
    static let loopback: UInt32 = 1
    let program: EntryProgram

    init(_ configured: [(VRRPReceptionKey, VRRPReceptionConfig)] = [(VRRPRxHarness.v4(51), VRRPReceptionConfig())]) async throws {
        program = try EntryProgram()
        try await program.enableVRRPReception(ifindex: VRRPRxHarness.loopback)
        for (key, config) in configured {
            try await program.configureVRRP(key, config)
        }
    }

    static func v4(_ vrid: UInt8) -> VRRPReceptionKey { VRRPReceptionKey(ifindex: loopback, family: .ipv4, vrid: vrid) }
    static func v6(_ vrid: UInt8) -> VRRPReceptionKey { VRRPReceptionKey(ifindex: loopback, family: .ipv6, vrid: vrid) }

    func run(_ frame: VRRPAdvertFrame) async throws -> TestRunResult {
        try await program.testRunEntry(frame: frame.bytes)
    }

    func run(bytes: [UInt8]) async throws -> TestRunResult {
        try await program.testRunEntry(frame: bytes)
    }

    func counts(_ key: VRRPReceptionKey) async throws -> VRRPReceptionCounts {
        guard let counts = try await program.vrrpCounts(key) else {
            throw VRRPReceptionError.notConfigured(key)
        }
        return counts
    }

    func events() async throws -> [VRRPReceptionEvent] {
        try await program.consumeVRRPEvents()
    }

    func lastAdvert(_ key: VRRPReceptionKey) async throws -> VRRPReceivedAdvert? {
        try await program.lastVRRPAdvert(key)
    }
}

extension VRRPReceptionCounts {
    /// The counters that are not zero, for readable failure messages and exact comparisons.
    var nonZero: [VRRPReceptionCounter: UInt64] {
        var result: [VRRPReceptionCounter: UInt64] = [:]
        for counter in VRRPReceptionCounter.allCases where self[counter] != 0 { result[counter] = self[counter] }
        return result
    }
}
