// `xdpha attach` on a director in a classic LVS-DR lab, driven as an operator would: the built
// binary, a keepalived.conf, real HTTP connections from a client.
//
// One story, in order (each step relies on the one before):
// 1. 3,000 connections split over three reals as their weights 3:2:1 say (within 10%), and each
//    lands on the real the control plane predicts from the flow hash.
// 2. Reprogramming without one real: established connections to the other reals keep answering
//    across the change; new connections (from the same ports again) follow the new ring as
//    predicted, which moves every flow of the removed real and under 2% of the others (Maglev).
// 3. A restart (a new `xdpha attach`, a new program over the pinned maps) that takes new flows
//    away from the established connection's real keeps that connection on it: the connection
//    table outlived the process. `xdpha status --services` shows the maps; `xdpha detach` ends it.
import Balancer
import Config
import Dataplane
import Foundation
import NetLab
import Testing

private func configuration(_ weights: [String: Int]) -> String {
    var text = """
        virtual_server \(LVSDRLab.vip) 80 {
            lvs_sched mh
            mh-port
            lb_kind DR
            protocol TCP

        """
    for real in LVSDRLab.reals {
        guard let weight = weights[real] else { continue }
        text += "    real_server \(real) 80 {\n        weight \(weight)\n    }\n"
    }
    return text + "}\n"
}

private func name(_ real: String) -> String { "rs\(LVSDRLab.reals.firstIndex(of: real)! + 1)" }

@Suite(.enabled(if: Lab.unavailableReason == nil && FileManager.default.fileExists(atPath: LVSDRLab.xdpha.path)),
       .serialized)
struct LVSDRLabTests {
    @Test func weightedSplitMinimalDisruptionAndAConnectionTableThatSurvivesRestarts() async throws {
        let lab = try await LVSDRLab("drlab")
        defer { lab.tearDown() }
        let weights = ["192.0.2.11": 3, "192.0.2.12": 2, "192.0.2.13": 1]

        // A service XDP cannot serve is refused before anything is loaded or attached.
        let refused = try lab.attach(config: configuration(weights).replacingOccurrences(of: "lb_kind DR", with: "lb_kind NAT"),
                                     check: false)
        #expect(refused.status == 1)
        #expect(refused.output.contains(".conf:4: virtual_server 192.0.2.50:80: lb_kind NAT"), "\(refused.output)")
        #expect(try lab.xdpha(["status", "--services", "--pin-dir", lab.pins], check: false).status != 0)

        let attached = try lab.attach(config: configuration(weights))
        #expect(attached.output.contains("3 reals (3 resolved)"), "\(attached.output)")

        // 1. The split, and the control plane's prediction of every flow.
        let started = Date()
        let first = try lab.requests(3000, fromPort: 20000)
        let seconds = Date().timeIntervalSince(started)
        #expect(first.count == 3000)
        #expect(first.values.filter { $0.hasPrefix("error") || $0 == "-" }.isEmpty)
        let total = Double(weights.values.reduce(0, +))
        var shares: [String] = []
        for (real, weight) in weights.sorted(by: { $0.key < $1.key }) {
            let share = Double(first.values.filter { $0 == name(real) }.count) / 3000
            shares.append("\(name(real)) \(String(format: "%.1f", share * 100))%")
            #expect(abs(share - Double(weight) / total) <= 0.1 * Double(weight) / total, "\(real): \(share)")
        }
        print("LVS-DR lab: 3000 connections in \(String(format: "%.1f", seconds)) s, split \(shares.joined(separator: ", "))")
        var planner = DataPathPlanner()
        let mapped = try ServiceMapping.map(ConfigLoader().load(text: configuration(weights)).config)
        let state = try planner.plan(mapped.services)
        let client = Balancer.IPAddress("192.0.2.100")!, vip = Balancer.IPAddress(LVSDRLab.vip)!
        let mispredicted = first.filter { port, answer in
            let flow = FlowKey(source: client, destination: vip, sourcePort: UInt16(port), destinationPort: 80, transport: .tcp)
            return state.predictedReal(for: flow).map { name("\($0.server.address)") } != answer
        }
        #expect(mispredicted.isEmpty, "\(mispredicted.count) flows went elsewhere than predicted")

        // 2. One real goes. Established connections to the others keep their reals (the
        //    connection table). New connections, even from ports used before (a SYN is a new
        //    connection, as in Katran), follow the new ring exactly as the control plane predicts:
        //    every flow of the removed real moves, and of the others only the few that Maglev moves
        //    besides the removed real's slots (MaglevTableTests: under 2% of the table).
        var open: [(connection: KeepAliveConnection, real: String)] = []
        for _ in 0..<40 {
            let connection = try lab.openConnection()
            open.append((connection, try connection.request()))
        }
        let (connection, held) = open[0]
        let heldReal = try #require(LVSDRLab.reals.first { name($0) == held })
        let removed = try #require(LVSDRLab.reals.last { $0 != heldReal })
        var fewer = weights
        fewer[removed] = nil
        try lab.attach(config: configuration(fewer))
        for (connection, real) in open where real != name(removed) {
            #expect(try connection.request() == real, "an established connection to \(real) moved")
        }
        let second = try lab.requests(3000, fromPort: 20000)
        var fewerPlanner = DataPathPlanner()
        let fewerState = try fewerPlanner.plan(ServiceMapping.map(ConfigLoader().load(text: configuration(fewer)).config).services)
        var othersMoved = 0
        for (port, before) in first {
            let flow = FlowKey(source: client, destination: vip, sourcePort: UInt16(port), destinationPort: 80, transport: .tcp)
            let predicted = fewerState.predictedReal(for: flow).map { name("\($0.server.address)") }
            #expect(second[port] == predicted, "port \(port): \(second[port] ?? "nothing"), predicted \(predicted ?? "none")")
            if before != name(removed) && second[port] != before { othersMoved += 1 }
        }
        #expect(Double(othersMoved) / Double(first.count) < 0.02, "\(othersMoved) flows of the remaining reals moved")
        print("LVS-DR lab: \(othersMoved) of \(first.count) new connections from reused ports moved between remaining reals")

        // 3. A restart that gives the held connection's real weight 0: new flows avoid it, the
        //    established connection keeps it, because the pinned connection table still names it.
        var drained = fewer
        drained[heldReal] = 0
        let restarted = try lab.attach(config: configuration(drained))
        #expect(restarted.output.contains("already attached") || restarted.output.contains("attached in"))
        for _ in 0..<3 { #expect(try connection.request() == held) }
        let third = try lab.requests(300, fromPort: 24000)
        #expect(third.values.allSatisfy { $0.hasPrefix("rs") && $0 != held }, "\(Set(third.values))")

        let status = try lab.xdpha(["status", "--services", "--iface", "ens33", "--pin-dir", lab.pins]).output
        #expect(status.contains("ens33: XDP program id"))
        #expect(status.contains("DR steering on"))
        #expect(status.contains("TCP  192.0.2.50:80 mh (mh-port)"))
        #expect(status.contains("-> \(heldReal):80"))
        #expect(!status.contains("-> \(removed):80"))
        #expect(status.contains("VIP traffic: tx="))
        print(status)

        let detached = try lab.xdpha(["detach", "ens33", "--unpin", "--pin-dir", lab.pins]).output
        #expect(detached.contains("XDP program detached"), "\(detached)")
        // Not steered any more: the director itself holds the VIP and nothing listens there.
        let after = try lab.requests(3, fromPort: 25000)
        #expect(after.values.allSatisfy { $0.hasPrefix("error") }, "\(after)")
    }
}
