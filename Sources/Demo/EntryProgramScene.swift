// Scene 1: the XDP entry program on a director's ens33 sees the traffic that crosses it.
import BPF
import Foundation
import NetLab

struct EntryProgramScene {
    let topology: DemoTopology

    func play() async throws {
        let director = topology.directors[0]
        print("== xdpha demo: a lab of \(2 + topology.directors.count + topology.realServers.count) namespaces on one bridge")
        print("   client 192.0.2.100, directors 192.0.2.1 and .2, real servers 192.0.2.11-13 (VIP \(DemoTopology.vip) on lo)")

        let program = try EntryProgram()
        let fd = await program.entryFD
        let mode = try director.perform {
            try XDPAttachment.attachPreferringNative(programFD: fd, ifindex: XDPAttachment.ifindex(of: "ens33"))
        }
        print("\n-- XDP entry program attached to dir1's ens33 in \(mode.rawValue) mode")

        let before = try await program.trafficCounts()
        let ping = try topology.client.run("ping", "-c", "5", "-i", "0.1", "-W", "1", "192.0.2.1")
        let summary = ping.output.split(separator: "\n").first { $0.contains("packets transmitted") } ?? ""
        print("-- client pings dir1 five times: \(summary)")
        let after = try await program.trafficCounts()

        print("-- what the entry program counted on dir1's ens33:")
        for traffic in TrafficClass.allCases {
            let delta = after[traffic, default: 0] - before[traffic, default: 0]
            if delta > 0 { print("   \(traffic.description.padding(toLength: 12, withPad: " ", startingAt: 0)) \(delta)") }
        }
        try director.perform { try XDPAttachment.detach(ifindex: XDPAttachment.ifindex(of: "ens33")) }
        print("-- detached.")
    }
}
