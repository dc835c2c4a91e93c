// Scene 2: LVS-DR steering in XDP. dir1 runs `xdpha attach ens33` with a keepalived.conf of one
// virtual server (weighted Maglev, weights 3:2:1); the client's requests spread over the three
// real servers, which answer it directly. One real server goes away and comes back; traffic
// goes on over the others meanwhile.
import BPF
import Foundation
import NetLab

struct LoadBalancingScene {
    let topology: DemoTopology

    private var director: NetworkNamespace { topology.directors[0] }
    /// dir1's pins: those of the VRRP scene's daemon, so attach adds DR to its program.
    private var pins: String { DemoTopology.pinDirectory(lab: topology.lab, director: 1) }
    private let reals = ["192.0.2.11", "192.0.2.12", "192.0.2.13"]
    private let weights = [3, 2, 1]

    func play() async throws {
        let xdpha = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("xdpha")
        guard FileManager.default.fileExists(atPath: xdpha.path) else {
            print("\n== LVS-DR scene skipped: \(xdpha.path) is not built (run `make demo`, which builds it)")
            return
        }
        let files = FileManager.default.temporaryDirectory.appendingPathComponent("\(topology.lab.id)-lb")
        try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(at: files)
            _ = try? run(xdpha, ["detach", "ens33", "--unpin", "--pin-dir", pins])
        }
        try HTTPLabPrograms.write(to: files)

        print("\n== LVS-DR steering in XDP: VIP \(DemoTopology.vip):80 on dir1, real servers answer the client directly")
        try await prepareSite()
        var responders = try reals.indices.map { try topology.startResponder($0, programs: files) }

        let all = zip(reals, weights).map { ($0, $1) }
        print("-- dir1: xdpha attach ens33 -f keepalived.conf  (lvs_sched mh, mh-port, lb_kind DR, weights 3:2:1)")
        print(indent(try attach(all, xdpha: xdpha, files: files)))
        for batch in 1...3 { try spread(batch: batch, files: files) }

        print("-- rs3 goes away: its responder stops and dir1 is reprogrammed without it")
        topology.stop(responders[2])
        print(indent(try attach(Array(all.prefix(2)), xdpha: xdpha, files: files)))
        for batch in 4...5 { try spread(batch: batch, files: files) }

        print("-- rs3 is back")
        responders[2] = try topology.startResponder(2, programs: files)
        print(indent(try attach(all, xdpha: xdpha, files: files)))
        try spread(batch: 6, files: files)

        print("-- dir1: xdpha status --services")
        print(indent(try run(xdpha, ["status", "--services", "--pin-dir", pins])))
        print("-- dir1: xdpha detach ens33 --unpin")
        print(indent(try run(xdpha, ["detach", "ens33", "--unpin", "--pin-dir", pins])))
        for responder in responders { topology.stop(responder) }
    }

    /// The site as keepalived + LVS-DR would have it: the VIP on dir1's ens33, checksum offload
    /// off where frames feed the XDP director, an XDP program on dir1's bridge port (XDP_TX
    /// frames leave a veth only towards a peer that runs one).
    private func prepareSite() async throws {
        try director.addAddress("\(DemoTopology.vip)/32", dev: "ens33")
        for host in [topology.client, director] {
            try host.run("ethtool", "-K", "ens33", "tx", "off")
        }
        for server in topology.realServers {
            try server.sysctl("net.ipv4.conf.lo.rp_filter", "0")
            try server.sysctl("net.ipv4.conf.ens33.rp_filter", "0")
        }
        let pass = try EntryProgram()
        let fd = await pass.passFD
        try topology.fabric.perform {
            try XDPAttachment.attach(programFD: fd, ifindex: XDPAttachment.ifindex(of: "p-dir1"), mode: .native)
        }
    }

    private func attach(_ servers: [(String, Int)], xdpha: URL, files: URL) throws -> String {
        var text = "virtual_server \(DemoTopology.vip) 80 {\n    protocol TCP\n    lvs_sched mh\n    mh-port\n    lb_kind DR\n"
        for (address, weight) in servers { text += "    real_server \(address) 80 { weight \(weight) }\n" }
        text += "}\n"
        let file = files.appendingPathComponent("keepalived.conf")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return try run(xdpha, ["attach", "ens33", "-f", file.path, "--pin-dir", pins])
    }

    /// 200 new connections from the client; one line with where they went.
    private func spread(batch: Int, files: URL) throws {
        var counts: [String: Int] = [:]
        for answer in try topology.requests(200, programs: files) { counts[answer, default: 0] += 1 }
        let line = counts.keys.sorted().map { "\($0) \(String(repeating: "#", count: counts[$0]! / 5)) \(counts[$0]!)" }
        print("   batch \(batch): " + line.joined(separator: "   "))
    }

    /// `xdpha ARGS` in dir1's network namespace only, so its pins stay in the host's /sys/fs/bpf.
    private func run(_ xdpha: URL, _ arguments: [String]) throws -> String {
        try Command.run(["nsenter", "--net=/run/netns/\(director.name)", xdpha.path] + arguments).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "   " + $0 }.joined(separator: "\n")
    }
}
