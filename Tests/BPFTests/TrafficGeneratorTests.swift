// The benchmark's traffic generator (bpf/trafficgen.c): each run gives the frame the next source
// port with a TCP checksum still valid, live-frames mode delivers every frame to the veth's peer,
// and the sink counts and drops what it is given.
import BPF
import Foundation
import NetLab
import Testing

@Suite(.enabled(if: Lab.unavailableReason == nil), .serialized)
struct TrafficGeneratorTests {
    static let syn: UInt8 = 0x02, ack: UInt8 = 0x10

    /// Ethernet + IPv4 192.0.2.100 -> 192.0.2.50 + TCP to port 80 from `port` with `flags`
    /// (a SYN unless told), checksums valid.
    static func tcpSYN(sourcePort port: UInt16, flags: UInt8 = syn) -> [UInt8] {
        let source: [UInt8] = [192, 0, 2, 100], destination: [UInt8] = [192, 0, 2, 50]
        var ip: [UInt8] = [0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0] + source + destination
        let ipSum = checksum(ip)
        ip[10] = UInt8(ipSum >> 8); ip[11] = UInt8(ipSum & 0xff)
        var tcp: [UInt8] = [UInt8(port >> 8), UInt8(port & 0xff), 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0]
        let sum = checksum(source + destination + [0, 6, 0, 20] + tcp)
        tcp[16] = UInt8(sum >> 8); tcp[17] = UInt8(sum & 0xff)
        return [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00] + ip + tcp
    }

    static func checksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        for i in stride(from: 0, to: bytes.count - 1, by: 2) { sum += UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1]) }
        if bytes.count % 2 == 1 { sum += UInt32(bytes[bytes.count - 1]) << 8 }
        while sum >> 16 != 0 { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }

    @Test func eachRunTakesTheNextSourcePortAndKeepsTheTCPChecksumValid() throws {
        let generator = try TrafficGenerator()
        try generator.setSourcePorts(first: 10000, count: 3)
        var ports: [UInt16] = []
        for _ in 0..<4 {
            let result = try generator.testRunGenerator(frame: Self.tcpSYN(sourcePort: 10000))
            #expect(result.verdict == XDPVerdict.tx.rawValue)
            let port = UInt16(result.packet[34]) << 8 | UInt16(result.packet[35])
            ports.append(port)
            // The checksummed frame for that port, built from scratch, is what the program left:
            // a SYN on the first pass over the ports, an ACK after.
            #expect(result.packet == Self.tcpSYN(sourcePort: port, flags: ports.count <= 3 ? Self.syn : Self.ack))
        }
        #expect(ports == [10000, 10001, 10002, 10000])
    }

    /// A live-frames page keeps the previous run's rewrite, so the flags and the checksum must come
    /// out right from whatever the frame holds: each port's first frame a SYN (opening the
    /// connection), every later one an ACK (flags ACK only), after UDP frames too.
    @Test func eachPortOpensWithASYNAndContinuesWithACKsWhateverTheFrameHeld() throws {
        let generator = try TrafficGenerator()
        try generator.setSourcePorts(first: 30000, count: 2)
        // UDP frames first: they take ports but must not use up the SYNs.
        var udp = Self.tcpSYN(sourcePort: 30000)
        udp[23] = 17
        #expect(try generator.testRunGenerator(frame: udp).verdict == XDPVerdict.tx.rawValue)
        // Templates as a recycled page may hold them: a SYN, an ACK, and flags no run writes.
        let held = [Self.tcpSYN(sourcePort: 30001, flags: Self.ack), Self.tcpSYN(sourcePort: 30000),
                    Self.tcpSYN(sourcePort: 30000, flags: 0x1f), Self.tcpSYN(sourcePort: 30001, flags: Self.ack)]
        var seen: [(UInt16, UInt8)] = []
        for frame in held {
            let result = try generator.testRunGenerator(frame: frame)
            #expect(result.verdict == XDPVerdict.tx.rawValue)
            let port = UInt16(result.packet[34]) << 8 | UInt16(result.packet[35])
            seen.append((port, result.packet[47]))
            #expect(result.packet == Self.tcpSYN(sourcePort: port, flags: result.packet[47]))
        }
        #expect(seen.map(\.0) == [30001, 30000, 30001, 30000])
        #expect(seen.map(\.1) == [Self.syn, Self.syn, Self.ack, Self.ack])
    }

    /// xdpha_drive (the saturated forwarding method's driver): the next port, the configured MACs,
    /// then whatever program slot 0 names; nothing in the slot drops the frame.
    @Test func theDriverRewritesPortAndMACsThenHandsTheFrameOn() throws {
        let generator = try TrafficGenerator()
        try generator.setSourcePorts(first: 20000, count: 2)
        let director: [UInt8] = [2, 0xd, 0, 0, 0, 1], client: [UInt8] = [2, 0xc, 0, 0, 0, 2]
        try generator.setDriveMACs(destination: director, source: client)
        // A frame whose MACs the previous decision rewrote (a recycled page keeps them).
        var stale = Self.tcpSYN(sourcePort: 20000)
        stale.replaceSubrange(0..<12, with: [UInt8](repeating: 0xee, count: 12))

        #expect(try generator.testRunDrive(frame: stale).verdict == XDPVerdict.drop.rawValue)

        try generator.setDriveTarget(programFD: generator.discardFD)
        let discarded = try generator.testRunDrive(frame: stale)
        #expect(discarded.verdict == XDPVerdict.drop.rawValue)
        #expect(Array(discarded.packet[0..<12]) == director + client)
        #expect(Array(discarded.packet[12...]) == Array(Self.tcpSYN(sourcePort: 20001)[12...]))

        // Handed to the generator (XDP_TX), which takes the port after that one; both ports had
        // their SYN, so the driver and then the generator make ACKs.
        try generator.setDriveTarget(programFD: generator.generatorFD)
        let sent = try generator.testRunDrive(frame: stale)
        #expect(sent.verdict == XDPVerdict.tx.rawValue)
        #expect(Array(sent.packet[12...]) == Array(Self.tcpSYN(sourcePort: 20001, flags: Self.ack)[12...]))
    }

    @Test func theSinkCountsAndDropsTCPAndPassesTheRest() throws {
        let generator = try TrafficGenerator()
        #expect(try generator.testRunSink(frame: Self.tcpSYN(sourcePort: 1)).verdict == XDPVerdict.drop.rawValue)
        let arp: [UInt8] = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x08, 0x06] + [UInt8](repeating: 0, count: 28)
        #expect(try generator.testRunSink(frame: arp).verdict == XDPVerdict.pass.rawValue)
        #expect(try generator.sinkCount() == 1)
    }

    @Test func liveFramesReachThePeerOfTheSendingVeth() throws {
        let hosts = try TwoHosts("tgen")
        defer { hosts.lab.tearDown() }
        let generator = try TrafficGenerator()
        try generator.setSourcePorts(first: 10000, count: 64)
        let sink = generator.sinkFD, fd = generator.generatorFD
        try hosts.b.perform { try XDPAttachment.attach(programFD: sink, ifindex: XDPAttachment.ifindex(of: "eth0"), mode: .native) }
        let ifindex = UInt32(try hosts.a.ifindex("eth0"))
        let frame = Self.tcpSYN(sourcePort: 10000)
        try hosts.a.perform { try LiveFrames.send(programFD: fd, frame: frame, ifindex: ifindex, packets: 10_000) }
        // The peer's NAPI may still be polling its ring for a moment.
        var counted: UInt64 = 0
        for _ in 0..<50 {
            counted = try generator.sinkCount()
            if counted == 10_000 { break }
            usleep(20_000)
        }
        // A veth ring of 256 frames can overflow when the peer's poll is late; most must arrive.
        #expect(counted > 9_000 && counted <= 10_000, "the sink counted \(counted) of 10000 frames")
    }
}
