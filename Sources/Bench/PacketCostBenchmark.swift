// Per-packet cost of every XDP program and stage with BPF_PROG_TEST_RUN: repeat = 1 per call (a
// repeated run would reuse the buffer the first run already rewrote), the kernel's own duration
// per call, medians over many calls, against the MAC-swap floor measured in the same run. Rows:
// the floor, xdpha_pass, the entry program with no stage (parse + count), the VRRP stage on an
// advert, and the DR stage on a frame not for a VIP, an established flow and a new flow.
import Balancer
import BPF
import Dataplane
import Foundation

struct PacketCostResult: Codable {
    var name: String
    var calls: Int
    var medianNanoseconds: Double
    var p90Nanoseconds: Double
    var overFloorNanoseconds: Double
    var target: String
}

struct PacketCostBenchmark {
    var calls = 1_000_000
    static let vip = "192.0.2.50"

    func run() async throws -> [PacketCostResult] {
        let program = try EntryProgram()
        try await program.setDRSteering(true, ifindex: 1)   // test runs arrive on loopback, ifindex 1
        let reals = (1...100).map { RealServer(address: IPAddress("198.51.100.\($0)")!, port: 80, weight: UInt32(1 + $0 % 4)) }
        let service = Service(key: ServiceKey(address: IPAddress(Self.vip)!, port: 80, transport: .tcp),
                              scheduler: .maglev, hashFields: .fiveTuple, reals: reals)
        var planner = DataPathPlanner(limits: DataPathLimits(maxServices: DRDataPath.maxServices,
                                                             maxReals: DRDataPath.maxReals, ringSlots: DRDataPath.ringSlots))
        let state = try planner.plan([service])
        var links: [IPAddress: RealLink] = [:]
        for real in reals {
            links[real.address] = .resolved(DRReal.Link(destination: [2, 0xee, 0, 0, 0, real.address.bytes[3]],
                                                         source: [2, 0xd1, 0, 0, 0, 1], ifindex: 1))
        }
        try await program.programDR(DRPathBuilder.dataPath(state, configured: [service], links: links))

        var frame = Self.tcpFrame(sourcePort: 40000, flags: 0x10)
        let floor = try await measure { try await program.testRunFloor(frame: frame) }
        let pass = try await measure { try await program.testRunPass(frame: frame) }

        // The entry program on an interface with no stage switched on: parse and count only.
        let counting = try EntryProgram()
        let countOnly = try await measure { try await counting.testRunEntry(frame: frame) }

        // The VRRP stage on a backup: an advert from its master restarts Master_Down_Timer.
        let vrrp = try EntryProgram()
        let vrrpKey = VRRPReceptionKey(ifindex: 1, family: .ipv4, vrid: 51)
        try await vrrp.enableVRRPReception(ifindex: 1)
        try await vrrp.configureVRRP(vrrpKey, VRRPReceptionConfig(masterDownTimer: .init(interval: .seconds(3), localPriority: 100, preempt: true)))
        let advert = Self.vrrpAdvert(vrid: 51, priority: 200)
        let advertCost = try await measure { try await vrrp.testRunEntry(frame: advert) }
        let accepted = try await vrrp.vrrpCounts(vrrpKey)?[.accepted] ?? 0
        guard accepted >= UInt64(calls) else {
            throw BenchError("the VRRP stage accepted \(accepted) of \(calls) adverts: the benchmark's advert is wrong")
        }

        let nonVIP = try await measure { try await program.testRunEntry(frame: Self.tcpFrame(sourcePort: 40000, flags: 0x10, destination: [192, 0, 2, 99])) }
        _ = try await program.testRunEntry(frame: frame)   // the flow enters the connection table
        let established = try await measure { try await program.testRunEntry(frame: frame) }
        var port: UInt32 = 0
        let newFlow = try await measure {
            // A new source address and port each call: every frame misses the connection table.
            port &+= 1
            frame[26] = 203; frame[27] = 0; frame[28] = 113; frame[29] = UInt8(truncatingIfNeeded: port >> 16)
            frame[34] = UInt8(truncatingIfNeeded: port >> 8); frame[35] = UInt8(truncatingIfNeeded: port)
            return try await program.testRunEntry(frame: frame)
        }
        func row(_ name: String, _ values: [Double], target: String) -> PacketCostResult {
            let sorted = values.sorted()
            let median = sorted[sorted.count / 2]
            return PacketCostResult(name: name, calls: values.count, medianNanoseconds: median,
                                    p90Nanoseconds: sorted[sorted.count * 9 / 10],
                                    overFloorNanoseconds: median - floor.sorted()[floor.count / 2], target: target)
        }
        return [row("floor: MAC swap + XDP_TX", floor, target: "-"),
                row("xdpha_pass (veth peers)", pass, target: "-"),
                row("entry, no stage on: parse + count (XDP_PASS)", countOnly, target: "-"),
                row("entry, VRRP stage: master's advert on a backup (timer restarted, XDP_DROP)", advertCost, target: "-"),
                row("entry, DR on, frame not for a VIP (XDP_PASS)", nonVIP, target: "-"),
                row("entry, DR: established flow (XDP_TX)", established, target: "floor + 60 ns"),
                row("entry, DR: new flow, Maglev 100 reals (XDP_TX)", newFlow, target: "floor + 160 ns")]
    }

    private func measure(_ body: () async throws -> TestRunResult) async throws -> [Double] {
        var durations: [Double] = []
        durations.reserveCapacity(calls)
        for _ in 0..<calls { durations.append(Double(try await body().durationNanoseconds)) }
        Bench.log("packet cost: \(calls) calls, median \(durations.sorted()[calls / 2]) ns")
        return durations
    }

    /// A VRRPv3 advert over IPv4 (RFC 5798 5.1) from 192.0.2.2 for one address, 1 s interval,
    /// checksummed with the pseudo-header as v3 requires.
    static func vrrpAdvert(vrid: UInt8, priority: UInt8) -> [UInt8] {
        let source: [UInt8] = [192, 0, 2, 2], group: [UInt8] = [224, 0, 0, 18]
        var vrrp: [UInt8] = [0x31, vrid, priority, 1, 0x00, 100, 0, 0, 192, 0, 2, 50]
        let sum = ForwardingBenchmark.checksum(source + group + [0, 112, 0, UInt8(vrrp.count)] + vrrp)
        vrrp[6] = UInt8(sum >> 8); vrrp[7] = UInt8(sum & 0xff)
        var ip: [UInt8] = [0x45, 0xc0, 0, UInt8(20 + vrrp.count), 0, 0, 0, 0, 255, 112, 0, 0] + source + group
        let ipSum = ForwardingBenchmark.checksum(ip)
        ip[10] = UInt8(ipSum >> 8); ip[11] = UInt8(ipSum & 0xff)
        return [0x01, 0x00, 0x5e, 0x00, 0x00, 0x12, 0x00, 0x00, 0x5e, 0x00, 0x01, vrid, 0x08, 0x00] + ip + vrrp
    }

    /// Ethernet + IPv4 (no options) + TCP to VIP:80, 74 bytes; checksums are not read by XDP.
    static func tcpFrame(sourcePort: UInt16, flags: UInt8, destination: [UInt8] = [192, 0, 2, 50]) -> [UInt8] {
        var frame: [UInt8] = [2, 0xd1, 0, 0, 0, 1, 2, 0xc1, 0, 0, 0, 1, 0x08, 0x00]
        let total = 20 + 20 + 20
        frame += [0x45, 0, UInt8(total >> 8), UInt8(total & 0xff), 0, 1, 0x40, 0, 64, 6, 0, 0,
                  203, 0, 113, 7] + destination
        frame += [UInt8(sourcePort >> 8), UInt8(sourcePort & 0xff), 0, 80, 0, 0, 0, 1, 0, 0, 0, 0,
                  0x50, flags, 0xff, 0xff, 0, 0, 0, 0]
        frame += [UInt8](repeating: 0x61, count: 20)
        return frame
    }
}
