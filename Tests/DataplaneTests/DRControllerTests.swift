// The controller over real BPF maps, frames run through the entry program with
// BPF_PROG_TEST_RUN: two directors agree on every flow, and a controller that starts over pinned
// maps keeps established flows on their reals.
import Balancer
import BPF
import Config
import Dataplane
import Foundation
import NetLab
import Testing

private let reals = ["192.0.2.11", "192.0.2.12", "192.0.2.13"]

private func config(weights: [Int?]) -> KeepalivedConfig {
    var text = """
        virtual_server 192.0.2.50 80 {
            protocol TCP
            lvs_sched mh
            mh-port
            lb_kind DR

        """
    for (address, weight) in zip(reals, weights) {
        guard let weight else { continue }
        text += "    real_server \(address) 80 { weight \(weight) }\n"
    }
    text += "}\n"
    let result = ConfigLoader().load(text: text)
    precondition(!result.hasErrors, result.rendered())
    return result.config
}

private func controller(pins: PinDirectory? = nil) throws -> DRController {
    try DRController(options: DRControllerOptions(pinDirectory: pins, neighbourWait: .zero, attachesXDP: false),
                     resolver: TestLinks.resolved(reals))
}

private func flows(_ count: Int, tcpFlags: UInt8 = SynFrame.syn) -> [SynFrame] {
    (0..<count).map { i in
        SynFrame(source: IPAddress("198.51.100.\(1 + i % 200)")!, destination: IPAddress("192.0.2.50")!,
                 sourcePort: UInt16(20000 + i), tcpFlags: tcpFlags)
    }
}

/// The real a steered frame went to, by its destination MAC; nil when it was not transmitted.
private func realOf(_ result: TestRunResult) -> String? {
    guard result.verdict == XDPVerdict.tx.rawValue else { return nil }
    return reals.first { TestLinks.mac(of: IPAddress($0)!) == Array(result.packet.prefix(6)) }
}

@Suite(.enabled(if: Lab.unavailableReason == nil), .serialized)
struct DRControllerTests {
    @Test func twoDirectorsWithTheSameConfigurationChooseTheSameRealForEveryFlow() async throws {
        let first = try controller()
        let second = try controller()
        for director in [first, second] {
            try await director.apply(config(weights: [3, 2, 1]))
            // Test runs arrive on the loopback device (ifindex 1): steer there, nothing is attached.
            try await director.program.setDRSteering(true, ifindex: 1)
        }
        var planner = DataPathPlanner()
        let state = try planner.plan(ServiceMapping.map(config(weights: [3, 2, 1])).services)

        var counts: [String: Int] = [:]
        for frame in flows(3000) {
            let a = realOf(try await first.program.testRunEntry(frame: frame.bytes))
            let b = realOf(try await second.program.testRunEntry(frame: frame.bytes))
            #expect(a != nil && a == b, "flow from port \(frame.sourcePort)")
            // The control plane predicts the same real from the flow hash alone.
            #expect(a == state.predictedReal(for: frame.flow).map { "\($0.server.address)" })
            counts[a ?? "none", default: 0] += 1
        }
        for (real, weight) in zip(reals, [3.0, 2.0, 1.0]) {
            let share = Double(counts[real] ?? 0) / 3000
            #expect(abs(share - weight / 6) <= 0.1 * weight / 6, "\(real): \(share)")
        }
    }

    @Test func aControllerStartingOverPinnedMapsKeepsEstablishedFlowsOnTheirReals() async throws {
        let pins = PinDirectory("/sys/fs/bpf/\(Lab.namespacePrefix)\(getpid())-resume")
        try pins.prepare()
        defer { try? pins.removePins() }

        let before = try controller(pins: pins)
        try await before.apply(config(weights: [3, 2, 1]))
        try await before.program.setDRSteering(true, ifindex: 1)
        var chosen: [UInt16: String] = [:]
        for frame in flows(600) {
            chosen[frame.sourcePort] = realOf(try await before.program.testRunEntry(frame: frame.bytes))
        }
        let first = try await before.program.drSnapshot()

        // A new process: a fresh program over the same pins, a configuration in which the first
        // real takes no new flows and the third is gone.
        let after = try controller(pins: pins)
        try await after.apply(config(weights: [0, 2, nil]))
        let second = try await after.program.drSnapshot()
        #expect(second.services.map(\.id) == first.services.map(\.id))
        for real in second.reals {
            let earlier = first.reals.first { $0.address == real.address }
            #expect(earlier?.index == real.index && earlier?.generation == real.generation)
        }

        // Frames of the connections the SYNs opened (a SYN would be a new connection).
        var moved = 0
        for frame in flows(600, tcpFlags: SynFrame.ack) {
            let now = realOf(try await after.program.testRunEntry(frame: frame.bytes))
            switch chosen[frame.sourcePort] {
            case "192.0.2.13":
                #expect(now == "192.0.2.12")
                moved += 1
            case let real:
                // Weight 0 keeps established flows: the connection table outlived the first program.
                #expect(now == real)
            }
        }
        #expect(moved > 0)
        let unused = try await after.program.drSnapshot().reals.first { $0.address == [192, 0, 2, 11] }
        #expect(unused?.takesNewFlows == false && unused?.weight == 0)
    }

    @Test func aRealWithoutAResolvedMACTakesNoNewFlowsAndIsReported() async throws {
        var table = TestLinks.resolved(reals).table
        table[IPAddress("192.0.2.13")!] = .soliciting(ifindex: 0)
        let director = try DRController(options: DRControllerOptions(pinDirectory: nil, neighbourWait: .zero,
                                                                     attachesXDP: false),
                                        resolver: FixedRealLinks(table))
        let report = try await director.apply(config(weights: [1, 1, 1]))
        #expect(report.unresolved.map { "\($0.server.address)" } == ["192.0.2.13"])
        #expect(report.warnings.contains { $0.contains("192.0.2.13:80") && $0.contains("no MAC yet") })
        try await director.program.setDRSteering(true, ifindex: 1)
        var seen = Set<String>()
        for frame in flows(300) {
            seen.insert(realOf(try await director.program.testRunEntry(frame: frame.bytes)) ?? "none")
        }
        #expect(seen == ["192.0.2.11", "192.0.2.12"])
        let snapshot = try await director.program.drSnapshot()
        let unresolved = snapshot.reals.first { $0.address == [192, 0, 2, 13] }
        #expect(unresolved?.link == nil && unresolved?.weight == 1)
    }
}
