// Packets per second through the director, and the director's CPU per packet, for the XDP path
// and the IPVS path with the same packets on the same kernel.
//
// The client's traffic generator (BPF_PROG_RUN live frames, bpf/trafficgen.c) sends TCP or UDP
// to VIP:80 from 1,024 source ports as fast as one CPU makes them; the reals count what arrives
// and drop it. TCP looks like a director's real traffic, mostly packets of established
// connections: each port's first frame is a SYN (sent paced, before the first trial, so that
// every connection is open on both paths), every later one an ACK of that connection. Per trial:
// - pps: frames counted at the reals / seconds of sending;
// - director CPU: the CPU time of the kernel thread that polls the director's ens33 (threaded
//   NAPI, see ForwardingLab): taking the frame from the receive ring, the forwarding decision
//   (XDP program, or skb + IPv4 stack + IPVS) and handing it to the bridge port's ring;
// - pps per director core: frames the director forwarded (its ens34's transmit counters, frames
//   the bridge port's full ring refused included: the director's work on them was done) /
//   director CPU seconds. This is what the ">= 5x" target compares; raw pps is bounded by the
//   generator, the bridge and the CPU the other threads leave the director on a shared machine.
// - machine: the whole machine's busy CPU per frame (generator, bridge, director, reals).
import BPF
import Foundation
import NetLab

struct ForwardingTrial: Codable {
    var sent: Double
    /// Frames the director handed on (its ens33's transmitted + dropped-at-the-peer's-ring).
    var forwarded: Double
    var delivered: Double
    var seconds: Double
    var directorCPUSeconds: Double
    var machineCPUSeconds: Double
    /// Times the director's NAPI thread was put on a CPU (woken) during the trial.
    var directorWakeups: Double?

    var pps: Double { delivered / seconds }
    var ppsPerDirectorCore: Double { directorCPUSeconds > 0 ? forwarded / directorCPUSeconds : 0 }
    var directorNanosecondsPerPacket: Double { forwarded > 0 ? directorCPUSeconds / forwarded * 1e9 : 0 }
    var machineNanosecondsPerPacket: Double { delivered > 0 ? machineCPUSeconds / delivered * 1e9 : 0 }
    var framesPerWakeup: Double { (directorWakeups ?? 0) > 0 ? forwarded / directorWakeups! : 0 }
}

struct ForwardingResult: Codable {
    var path: ForwardingPath
    var program: String
    var transport: String
    var frameBytes: Int
    var trials: [ForwardingTrial]
    /// What the generator sent (ForwardingBenchmark.traffic); absent in runs made when it sent
    /// TCP SYNs only.
    var traffic: String? = nil

    var pps: Spread { Spread(trials.map(\.pps)) }
    var ppsPerDirectorCore: Spread { Spread(trials.map(\.ppsPerDirectorCore)) }
    var directorNanosecondsPerPacket: Spread { Spread(trials.map(\.directorNanosecondsPerPacket)) }
    var machineNanosecondsPerPacket: Spread { Spread(trials.map(\.machineNanosecondsPerPacket)) }
    var framesPerWakeup: Spread { Spread(trials.map(\.framesPerWakeup)) }
    var deliveredShare: Double {
        let sent = trials.map(\.sent).reduce(0, +)
        return sent > 0 ? trials.map(\.delivered).reduce(0, +) / sent : 0
    }
}

/// Median and range of a handful of trials.
struct Spread: Codable {
    var median: Double
    var min: Double
    var max: Double

    init(_ values: [Double]) {
        let sorted = values.sorted()
        median = sorted.isEmpty ? 0 : (sorted.count % 2 == 1 ? sorted[sorted.count / 2]
                                         : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2)
        min = sorted.first ?? 0
        max = sorted.last ?? 0
    }
}

/// One environment's forwarding figures (the host, or the qemu guest that has IPVS).
struct ForwardingRun: Codable {
    var environment: String
    var machine: BenchReport.Machine
    var results: [ForwardingResult]
    /// The second method (ForwardingSaturation); absent in runs made before it existed.
    var saturated: [SaturatedResult]? = nil
}

struct ForwardingBenchmark {
    var paths: [ForwardingPath]
    var transports = ["tcp", "udp"]
    var frameSizes = [64, 512, 1514]
    var trials = 3
    var window = 2.0
    /// Also drive each path at saturation from inside the director (ForwardingSaturation).
    var saturate = true
    static let sourcePorts: UInt16 = 1024
    static let firstSourcePort: UInt16 = 10000

    static func traffic(transport: String) -> String {
        transport == "tcp" ? "TCP: a SYN per source port (paced, before the trials), then ACKs of those connections"
                           : "UDP datagrams"
    }

    func run() async throws -> (lab: [ForwardingResult], saturated: [SaturatedResult]) {
        _ = try? Command.run(["sysctl", "-qw", "kernel.bpf_stats_enabled=0"], check: false)
        var results: [ForwardingResult] = []
        var saturatedResults: [SaturatedResult] = []
        for path in paths {
            let lab = try await ForwardingLab(path: path)
            defer { lab.tearDown() }
            try lab.generator.setSourcePorts(first: Self.firstSourcePort, count: Self.sourcePorts)
            let ifindex = UInt32(try lab.client.ifindex("ens33"))
            let fd = lab.generator.generatorFD
            let saturation = ForwardingSaturation(lab: lab, window: window)
            let target = saturate ? try saturation.pathTarget() : -1
            defer { if path == .xdp && target >= 0 { close(target) } }
            var connectionsOpen = false
            for transport in transports {
                for size in frameSizes {
                    let frame = Self.frame(transport: transport, bytes: size, source: lab.clientMAC, destination: lab.directorMAC)
                    if transport == "tcp" && !connectionsOpen {
                        try openConnections(lab, fd: fd, frame: frame, ifindex: ifindex)
                        connectionsOpen = true
                    }
                    // Warm-up: the flows enter the connection tables (XDP's and IPVS's).
                    _ = try send(lab, fd: fd, frame: frame, ifindex: ifindex, seconds: 0.3)
                    var runs: [ForwardingTrial] = []
                    for _ in 0..<trials {
                        runs.append(try measure(lab, fd: fd, frame: frame, ifindex: ifindex))
                    }
                    let result = ForwardingResult(path: path, program: lab.program, transport: transport, frameBytes: size,
                                                  trials: runs, traffic: Self.traffic(transport: transport))
                    Bench.log("forwarding \(path.rawValue) \(transport) \(size) B: \(Int(result.pps.median)) pps, "
                              + "\(Int(result.ppsPerDirectorCore.median)) pps per director core, "
                              + "director \(Int(result.directorNanosecondsPerPacket.median)) ns/packet")
                    results.append(result)
                    if path == .ipvs && transport == "tcp" {
                        Bench.log("IPVS TCP connections after the trials: \(Self.ipvsConnectionStates(lab))")
                    }
                    guard saturate else { continue }
                    var saturatedRuns: [SaturatedTrial] = []
                    for _ in 0..<trials {
                        saturatedRuns.append(try saturation.measure(frame: frame, pathFD: target))
                    }
                    let saturated = SaturatedResult(path: path, transport: transport, frameBytes: size, trials: saturatedRuns)
                    Bench.log("saturated \(path.rawValue) \(transport) \(size) B: \(Int(saturated.ppsPerCore.median)) pps per core, "
                              + "\(Int(saturated.nanosecondsPerPacket.median)) ns/packet (floor \(Int(saturated.floorNanosecondsPerPacket.median))), "
                              + String(format: "delivered %.2f", saturated.deliveredShare))
                    saturatedResults.append(saturated)
                }
            }
        }
        return (results, saturatedResults)
    }

    private func measure(_ lab: ForwardingLab, fd: Int32, frame: [UInt8], ifindex: UInt32) throws -> ForwardingTrial {
        let deliveredBefore = try lab.generator.sinkCount()
        let forwardedBefore = try lab.directorTransmitted()
        let directorBefore = ForwardingLab.threadSchedule(lab.directorThread)
        let machineBefore = CPUAccounting.machineBusySeconds()
        let (sent, seconds) = try send(lab, fd: fd, frame: frame, ifindex: ifindex, seconds: window)
        usleep(200_000)   // the rings drain
        let delivered = Double(try lab.generator.sinkCount() - deliveredBefore)
        let forwarded = try lab.directorTransmitted() - forwardedBefore
        return ForwardingTrial(sent: sent, forwarded: forwarded, delivered: delivered, seconds: seconds,
                               directorCPUSeconds: ForwardingLab.threadSchedule(lab.directorThread).cpuSeconds - directorBefore.cpuSeconds,
                               machineCPUSeconds: CPUAccounting.machineBusySeconds() - machineBefore,
                               directorWakeups: ForwardingLab.threadSchedule(lab.directorThread).timeslices - directorBefore.timeslices)
    }

    /// The generator's first pass over the source ports: one SYN per port (bpf/trafficgen.c), in
    /// bursts the rings take whole, each counted at the reals before the next. IPVS creates a DR
    /// connection only for a SYN and hands an ACK it has no connection for to the director's own
    /// stack, so a SYN lost to a full ring would turn that port's ACKs into local traffic.
    private func openConnections(_ lab: ForwardingLab, fd: Int32, frame: [UInt8], ifindex: UInt32) throws {
        let burst: UInt16 = 128   // half a veth ring
        let before = try lab.generator.sinkCount()
        var sent: UInt16 = 0
        while sent < Self.sourcePorts {
            let count = min(burst, Self.sourcePorts - sent)
            try lab.client.perform {
                try LiveFrames.send(programFD: fd, frame: frame, ifindex: ifindex, packets: UInt32(count))
            }
            sent += count
            var polls = 0
            while try lab.generator.sinkCount() - before < UInt64(sent), polls < 100 {
                usleep(20_000)   // the reals' NAPI polls are still on their way
                polls += 1
            }
        }
        let delivered = try lab.generator.sinkCount() - before
        guard delivered == UInt64(Self.sourcePorts) else {
            throw BenchError("\(delivered) of the \(Self.sourcePorts) SYNs that open the TCP connections reached the reals through \(lab.path.rawValue)")
        }
    }

    /// IPVS's TCP connections by state ("ESTABLISHED 1024" when every port's SYN made one and
    /// its ACKs moved it on: what shows that IPVS forwarded the ACKs as packets of connections).
    static func ipvsConnectionStates(_ lab: ForwardingLab) -> String {
        guard let listing = try? lab.director.run("ipvsadm", "-Lnc").output else { return "ipvsadm -Lnc failed" }
        var states: [String: Int] = [:]
        for line in listing.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 3 && fields[0] == "TCP" { states[String(fields[2]), default: 0] += 1 }
        }
        return states.isEmpty ? "none" : states.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    /// Runs the generator in the client's namespace for about `seconds`; returns frames sent and
    /// the seconds it took.
    private func send(_ lab: ForwardingLab, fd: Int32, frame: [UInt8], ifindex: UInt32,
                      seconds: Double) throws -> (Double, Double) {
        try lab.client.perform {
            let chunk: UInt32 = 1 << 14
            var sent = 0.0
            let start = Date()
            repeat {
                try LiveFrames.send(programFD: fd, frame: frame, ifindex: ifindex, packets: chunk)
                sent += Double(chunk)
            } while Date().timeIntervalSince(start) < seconds
            return (sent, Date().timeIntervalSince(start))
        }
    }

    /// Ethernet + IPv4 + TCP SYN (valid checksums) or UDP (no checksum) to VIP:80, padded with
    /// payload to `bytes` (without the FCS). The generator rewrites the source port per frame, and
    /// the TCP flags (SYN, then ACK).
    static func frame(transport: String, bytes: Int, source: [UInt8], destination: [UInt8]) -> [UInt8] {
        let tcp = transport == "tcp"
        let l4Header = tcp ? 20 : 8
        let total = max(bytes, 14 + 20 + l4Header) - 14
        let clientIP: [UInt8] = [198, 51, 100, 100], vip: [UInt8] = [192, 0, 2, 50]
        var ip: [UInt8] = [0x45, 0, UInt8(total >> 8), UInt8(total & 0xff), 0, 1, 0x40, 0, 64, tcp ? 6 : 17, 0, 0]
            + clientIP + vip
        let ipSum = checksum(ip)
        ip[10] = UInt8(ipSum >> 8); ip[11] = UInt8(ipSum & 0xff)
        let length = total - 20
        let port = firstSourcePort
        var l4: [UInt8]
        if tcp {
            l4 = [UInt8(port >> 8), UInt8(port & 0xff), 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0]
        } else {
            l4 = [UInt8(port >> 8), UInt8(port & 0xff), 0, 80, UInt8(length >> 8), UInt8(length & 0xff), 0, 0]
        }
        l4 += [UInt8](repeating: 0, count: length - l4.count)
        if tcp {
            let pseudo = clientIP + vip + [0, 6, UInt8(length >> 8), UInt8(length & 0xff)]
            let sum = checksum(pseudo + l4)
            l4[16] = UInt8(sum >> 8); l4[17] = UInt8(sum & 0xff)
        }
        return destination + source + [0x08, 0x00] + ip + l4
    }

    /// The Internet checksum (RFC 1071) of `bytes`.
    static func checksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var i = 0
        while i + 1 < bytes.count { sum += UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1]); i += 2 }
        if i < bytes.count { sum += UInt32(bytes[i]) << 8 }
        while sum >> 16 != 0 { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }
}
