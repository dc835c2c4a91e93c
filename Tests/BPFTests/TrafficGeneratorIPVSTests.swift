// The generator's TCP through the kernel's IPVS (DR), as the forwarding benchmark sends it: each
// source port's first frame is a SYN, every later one an ACK. IPVS creates a DR connection only
// for a SYN (an ACK it has no connection for goes to the director's own stack), so the ACKs
// reach the real only when IPVS follows them as packets of the connections the SYNs opened.
// Runs where the kernel has IPVS: the qemu guest (`make ipvs-test`; the suite's name matches its
// filter).
import BPF
import Foundation
import NetLab
import Testing

enum GuestIPVS {
    static var available: Bool {
        guard Lab.unavailableReason == nil, Command.exists("ipvsadm") else { return false }
        if FileManager.default.fileExists(atPath: "/proc/net/ip_vs") { return true }
        return (try? Command.run(["modprobe", "ip_vs"], check: false).status) == 0
    }
}

@Suite(.enabled(if: GuestIPVS.available, "needs a kernel with IPVS (vm/run-in-vm.sh)"), .serialized)
struct TrafficGeneratorIPVSTests {
    static let vip = "192.0.2.50", real = "192.0.2.11"

    @Test func theACKsAfterEachPortsSYNReachTheRealThroughIPVS() throws {
        // client ens33 -> director ens33 (VIP) | director ens34 -> real ens33 (the sink).
        let lab = try Lab("tgipvs")
        defer { lab.tearDown() }
        let client = try lab.namespace("client"), director = try lab.namespace("dir"), server = try lab.namespace("rs")
        try lab.link(client, "ens33", director, "ens33")
        try client.addAddress("198.51.100.100/24", dev: "ens33")
        try director.addAddress("198.51.100.1/24", dev: "ens33")
        try director.addAddress("\(Self.vip)/32", dev: "ens33")
        try lab.link(director, "ens34", server, "ens33")
        try director.addAddress("192.0.2.1/24", dev: "ens34")
        try server.addAddress("\(Self.real)/24", dev: "ens33")
        for dev in ["all", "ens33", "ens34"] { try director.sysctl("net.ipv4.conf.\(dev).rp_filter", "0") }
        try director.run("ip", "neigh", "replace", Self.real, "lladdr", try server.mac("ens33"), "dev", "ens34", "nud", "permanent")
        // Live frames reach a veth peer that has a NAPI queue: GRO gives the director's ens33 one,
        // the sink's XDP the real's (and without TSO the director's skbs go into that queue).
        try director.run("ethtool", "-K", "ens33", "gro", "on")
        try director.run("ethtool", "-K", "ens34", "tso", "off")
        let generator = try TrafficGenerator()
        let sink = generator.sinkFD
        try server.perform { try XDPAttachment.attach(programFD: sink, ifindex: XDPAttachment.ifindex(of: "ens33"), mode: .native) }
        try director.run("ipvsadm", "-A", "-t", "\(Self.vip):80", "-s", "mh")
        try director.run("ipvsadm", "-a", "-t", "\(Self.vip):80", "-r", "\(Self.real):80", "-g", "-w", "1")

        let ports: UInt16 = 8
        try generator.setSourcePorts(first: 10000, count: ports)
        // Addressed to the director's MAC: the stack drops a frame for another host before IPVS.
        var frame = TrafficGeneratorTests.tcpSYN(sourcePort: 10000)
        frame.replaceSubrange(0..<12, with: Self.bytes(try director.mac("ens33")) + Self.bytes(try client.mac("ens33")))
        let fd = generator.generatorFD, ifindex = UInt32(try client.ifindex("ens33")), template = frame
        func send(_ count: UInt32) throws {
            try client.perform { try LiveFrames.send(programFD: fd, frame: template, ifindex: ifindex, packets: count) }
        }
        func counted(atLeast expected: UInt64) throws -> UInt64 {
            var count = try generator.sinkCount(), polls = 0
            while count < expected && polls < 100 {
                usleep(20_000)   // the real's NAPI poll may still be on its way
                count = try generator.sinkCount()
                polls += 1
            }
            return count
        }

        try send(UInt32(ports))   // the SYNs
        #expect(try counted(atLeast: UInt64(ports)) == UInt64(ports),
                "\((try? director.shell("ip -s link; nstat -az | grep -v ' 0 '; ip -s neigh").output) ?? "")")
        let opened = try director.run("ipvsadm", "-Lnc").output
        #expect(opened.components(separatedBy: "SYN_RECV").count - 1 == Int(ports), "\(opened)")

        try send(64)   // ACKs, eight per connection
        #expect(try counted(atLeast: UInt64(ports) + 64) == UInt64(ports) + 64)
        let followed = try director.run("ipvsadm", "-Lnc").output
        #expect(followed.components(separatedBy: "ESTABLISHED").count - 1 == Int(ports), "\(followed)")
        let stats = try director.run("ipvsadm", "-Ln", "--stats", "-t", "\(Self.vip):80").output
        #expect(stats.contains("\(Self.real):80"), "\(stats)")
    }

    static func bytes(_ mac: String) -> [UInt8] { mac.split(separator: ":").compactMap { UInt8($0, radix: 16) } }
}
