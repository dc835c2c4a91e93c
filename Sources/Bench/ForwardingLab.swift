// The LVS-DR site the forwarding benchmark sends through: a client, a two-armed director (ens33
// faces the client, ens34 the reals' bridge) and three real servers on one bridge. The client
// holds the traffic generator, the reals a sink that counts and drops, and the director forwards
// either with xdpha's entry program (`xdpha attach ens33`: DR steering, redirect to ens34) or
// with the kernel's IPVS (ipvsadm, DR), with the same packets.
//
// The client's veth feeds the director's ens33 directly, so frames reach the director as a NIC
// would hand them over (raw frames into its receive ring, no skb yet): XDP acts on them before
// any skb exists, IPVS gets them as skbs built by the veth. Through a bridge instead, every frame
// would reach XDP as an skb and be copied back into a page, a cost no NIC driver has.
//
// The director's ens33 and the bridge port behind ens34 (p-dir) run their NAPI polls in kernel
// threads of their own (/sys/class/net/DEV/threaded), so that the director's receive-and-forward
// work is one thread whose CPU time the kernel accounts, and nothing downstream (bridge, reals)
// runs inline in it: the director's work ends where it hands a frame to p-dir's ring.
import BPF
import Foundation
import NetLab
import XDPObjects

enum ForwardingPath: String, Codable, CaseIterable {
    case xdp = "XDP (xdpha entry program, DR)"
    case ipvs = "IPVS (kernel, DR)"

    init?(flag: String) {
        switch flag {
        case "xdp": self = .xdp
        case "ipvs": self = .ipvs
        default: return nil
        }
    }
}

final class ForwardingLab {
    static let vip = "192.0.2.50"
    static let clientAddress = "198.51.100.100"
    static let reals = ["192.0.2.11", "192.0.2.12", "192.0.2.13"]
    static let port: UInt16 = 80

    let lab: Lab
    let fabric, client, director: NetworkNamespace
    let realServers: [NetworkNamespace]
    let generator: TrafficGenerator
    private var passObject: BPFObject?
    let pins: String
    let work: URL
    /// The PID of the kernel thread that polls the director's ens33.
    private(set) var directorThread: Int32 = 0
    /// What forwards on the director.
    private(set) var program: String
    let path: ForwardingPath

    init(path: ForwardingPath) async throws {
        let lab = try Lab("fwd")
        self.lab = lab
        fabric = try lab.namespace("fabric")
        client = try lab.namespace("client")
        director = try lab.namespace("dir")
        realServers = try (1...3).map { try lab.namespace("rs\($0)") }
        pins = "/sys/fs/bpf/\(lab.id)"
        work = FileManager.default.temporaryDirectory.appendingPathComponent(lab.id)
        generator = try TrafficGenerator()
        self.path = path
        program = path == .xdp ? "xdpha_entry" : "ip_vs (mh, DR)"
        do { try await build(path) } catch { tearDown(); throw error }
    }

    private func build(_ path: ForwardingPath) async throws {
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        // The client faces the director's ens33 directly; the director reaches the reals' bridge
        // through ens34 (a two-armed director: the DR stage redirects from ens33 to ens34).
        try lab.link(client, "ens33", director, "ens33")
        try client.addAddress("\(Self.clientAddress)/24", dev: "ens33")
        try director.addAddress("198.51.100.1/24", dev: "ens33")
        try director.addAddress("\(Self.vip)/32", dev: "ens33")
        try lab.link(director, "ens34", fabric, "p-dir")
        try director.addAddress("192.0.2.1/24", dev: "ens34")
        for dev in ["all", "ens33", "ens34"] { try director.sysctl("net.ipv4.conf.\(dev).rp_filter", "0") }
        var ports = ["p-dir"]
        for (i, server) in realServers.enumerated() {
            try lab.link(server, "ens33", fabric, "p-rs\(i + 1)")
            try server.addAddress("\(Self.reals[i])/24", dev: "ens33")
            ports.append("p-rs\(i + 1)")
            try server.addAddress("\(Self.vip)/32", dev: "lo")
            for key in ["all", "ens33"] {
                try server.sysctl("net.ipv4.conf.\(key).arp_ignore", "1")
                try server.sysctl("net.ipv4.conf.\(key).arp_announce", "2")
            }
            // Both paths find the reals' MACs in the neighbour table from the start.
            try director.run("ip", "neigh", "replace", Self.reals[i], "lladdr", try server.mac("ens33"),
                             "dev", "ens34", "nud", "permanent")
        }
        try lab.bridge("br0", in: fabric, ports: ports)

        // XDP_TX and redirected frames reach a veth's peer only when the peer runs XDP itself.
        let sink = generator.sinkFD
        let passFD = try passProgramFD()
        try fabric.perform {
            try XDPAttachment.attach(programFD: passFD, ifindex: XDPAttachment.ifindex(of: "p-dir"), mode: .native)
        }
        for server in realServers {
            try server.perform { try XDPAttachment.attach(programFD: sink, ifindex: XDPAttachment.ifindex(of: "ens33"), mode: .native) }
        }
        // A veth hands an skb to its peer's NAPI queue only when the sender has no TSO (attaching
        // XDP to the peer clears it): IPVS's skbs leave through ens34 into p-dir's queue.
        try director.run("ethtool", "-K", "ens34", "tso", "off")

        switch path {
        case .xdp:
            let file = work.appendingPathComponent("keepalived.conf")
            try Self.keepalivedConfig.write(to: file, atomically: true, encoding: .utf8)
            // XDPHA_BENCH_BPF_OBJECT: the director loads this object instead of the embedded one
            // (to set two builds of bpf/ side by side; a path the guest sees too).
            let object = ProcessInfo.processInfo.environment["XDPHA_BENCH_BPF_OBJECT"].map { ["--bpf-object", $0] } ?? []
            try Command.run(["nsenter", "--net=/run/netns/\(director.name)", Bench.xdphaBinary.path,
                             "attach", "ens33", "-f", file.path, "--pin-dir", pins] + object)
        case .ipvs:
            // GRO gives the director's ens33 the NAPI queue that XDP gives it on the other path;
            // the generator's frames then arrive there as they do for XDP, and become skbs.
            try director.run("ethtool", "-K", "ens33", "gro", "on")
            for proto in ["-t", "-u"] {
                try director.run("ipvsadm", "-A", proto, "\(Self.vip):\(Self.port)", "-s", "mh", "-b", "mh-port")
                for real in Self.reals {
                    try director.run("ipvsadm", "-a", proto, "\(Self.vip):\(Self.port)", "-r", "\(real):\(Self.port)", "-g", "-w", "1")
                }
            }
        }

        try threadNAPI(fabric, "p-dir")
        let before = Self.napiThreads()
        try threadNAPI(director, "ens33")
        guard let thread = Self.napiThreads().subtracting(before).first else {
            throw BenchError("no NAPI thread appeared for the director's ens33 (path \(path.rawValue))")
        }
        directorThread = thread
    }

    /// xdpha_pass from the embedded entry object (loaded once, kept for the lab's life).
    func passProgramFD() throws -> Int32 {
        if passObject == nil {
            let name = EntryProgram.objectName
            guard let bytes = EmbeddedBPF.object(named: name) else { throw BenchError("no embedded BPF object \(name)") }
            passObject = try BPFObject(bytes: bytes, name: name)
        }
        return try passObject!.program(named: "xdpha_pass").fd
    }

    /// IPVS needs the scheduler modules of the guest's stock kernel; the host has no IPVS.
    static var ipvsUnavailableReason: String? {
        if !Command.exists("ipvsadm") { return "ipvsadm is not installed" }
        if !FileManager.default.fileExists(atPath: "/proc/net/ip_vs"),
           (try? Command.run(["modprobe", "ip_vs"], check: false).status) != 0 {
            return "this kernel has no IPVS (run the IPVS half in the qemu guest: vm/run-in-vm.sh)"
        }
        return nil
    }

    static var keepalivedConfig: String {
        ["TCP", "UDP"].map { proto in
            """
            virtual_server \(vip) \(port) {
                lvs_sched mh
                mh-port
                lb_kind DR
                protocol \(proto)
            \(reals.map { "    real_server \($0) \(port) {\n        weight 1\n    }" }.joined(separator: "\n"))
            }

            """
        }.joined()
    }

    private func threadNAPI(_ ns: NetworkNamespace, _ dev: String) throws {
        try ns.shell("echo 1 > /sys/class/net/\(dev)/threaded")
    }

    /// PIDs of the kernel's threaded-NAPI pollers (named napi/DEV-ID).
    static func napiThreads() -> Set<Int32> {
        var result: Set<Int32> = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry),
                  let comm = try? String(contentsOfFile: "/proc/\(entry)/comm", encoding: .utf8),
                  comm.hasPrefix("napi/") else { continue }
            result.insert(pid)
        }
        return result
    }

    /// CPU seconds the kernel has run `pid` and how many times it was put on a CPU (schedstat:
    /// nanoseconds on a CPU, nanoseconds waiting, timeslices).
    static func threadSchedule(_ pid: Int32) -> (cpuSeconds: Double, timeslices: Double) {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/schedstat", encoding: .utf8) else { return (0, 0) }
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Double($0) }
        guard fields.count >= 3 else { return (0, 0) }
        return (fields[0] / 1e9, fields[2])
    }

    /// Frames the director's ens34 has transmitted, counting those its peer's ring refused.
    func directorTransmitted() throws -> Double {
        let out = try director.shell("cat /sys/class/net/ens34/statistics/tx_packets /sys/class/net/ens34/statistics/tx_dropped").output
        return out.split(separator: "\n").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }.reduce(0, +)
    }

    var directorMAC: [UInt8] { (try? director.mac("ens33")).map(Self.bytes) ?? [] }
    var clientMAC: [UInt8] { (try? client.mac("ens33")).map(Self.bytes) ?? [] }

    static func bytes(_ mac: String) -> [UInt8] { mac.split(separator: ":").compactMap { UInt8($0, radix: 16) } }

    func tearDown() {
        lab.tearDown()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: pins)) ?? [] { unlink(pins + "/" + name) }
        rmdir(pins)
        try? FileManager.default.removeItem(at: work)
    }
}
