// Per-packet cost of every XDP program and stage with BPF_PROG_TEST_RUN: repeat = 1 per call (a
// repeated run would reuse the buffer the first run already rewrote), the kernel's own duration
// per call, medians over many calls, against the MAC-swap floor measured in the same run. Rows:
// the floor, xdpha_pass, the entry program with no stage (parse + count), the VRRP stage on an
// advert, and the DR stage on a frame not for a VIP, an established flow, a new flow (its SYN)
// and a frame of a flow the connection table does not know (an ACK).
//
// With other BPF objects to compare (--compare A.o,B.o), every object gets the same service and
// frames, and the calls of each row are interleaved between the objects in slices, so that the
// machine's noise (it is shared) falls on all of them alike and their ratio means something.
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

/// One object's results, labelled by where it came from ("embedded" or the file's name).
struct PacketCostVariant {
    var label: String
    var rows: [PacketCostResult]
}

struct PacketCostBenchmark {
    var calls = 1_000_000
    /// Objects to measure; nil is the embedded one. The first is the one reported.
    var objects: [String?] = [nil]
    /// Calls of one object in a row before the next object's turn.
    var slice = 10_000
    static let vip = "192.0.2.50"

    func run() async throws -> [PacketCostResult] {
        var rows = try await runVariants()[0].rows
        rows.insert(contentsOf: try await stageRows(), at: 1)
        return rows
    }

    /// The rows beyond DR, measured on the embedded object with a floor of their own: xdpha_pass,
    /// the entry program with no stage switched on (parse + count), and the VRRP stage on an advert.
    private func stageRows() async throws -> [PacketCostResult] {
        let frame = Self.tcpFrame(sourcePort: 40000, flags: 0x10)
        let program = try EntryProgram()
        let floor = try await measureOne { try await program.testRunFloor(frame: frame) }
        let pass = try await measureOne { try await program.testRunPass(frame: frame) }
        let countOnly = try await measureOne { try await program.testRunEntry(frame: frame) }

        // The VRRP stage on a backup: an advert from its master restarts Master_Down_Timer.
        let vrrp = try EntryProgram()
        let vrrpKey = VRRPReceptionKey(ifindex: 1, family: .ipv4, vrid: 51)
        try await vrrp.enableVRRPReception(ifindex: 1)
        try await vrrp.configureVRRP(vrrpKey, VRRPReceptionConfig(masterDownTimer: .init(interval: .seconds(3), localPriority: 100, preempt: true)))
        let advert = Self.vrrpAdvert(vrid: 51, priority: 200)
        let advertCost = try await measureOne { try await vrrp.testRunEntry(frame: advert) }
        let accepted = try await vrrp.vrrpCounts(vrrpKey)?[.accepted] ?? 0
        guard accepted >= UInt64(calls) else {
            throw BenchError("the VRRP stage accepted \(accepted) of \(calls) adverts: the benchmark's advert is wrong")
        }
        let floorMedian = Self.median(floor)
        func row(_ name: String, _ values: [Double]) -> PacketCostResult {
            let sorted = values.sorted()
            return PacketCostResult(name: name, calls: values.count, medianNanoseconds: sorted[sorted.count / 2],
                                    p90Nanoseconds: sorted[sorted.count * 9 / 10],
                                    overFloorNanoseconds: sorted[sorted.count / 2] - floorMedian, target: "-")
        }
        return [row("xdpha_pass (veth peers)", pass),
                row("entry, no stage on: parse + count (XDP_PASS)", countOnly),
                row("entry, VRRP stage: master's advert on a backup (timer restarted, XDP_DROP)", advertCost)]
    }

    private func measureOne(_ body: () async throws -> TestRunResult) async throws -> [Double] {
        var durations: [Double] = []
        durations.reserveCapacity(calls)
        for _ in 0..<calls { durations.append(Double(try await body().durationNanoseconds)) }
        return durations
    }

    func runVariants() async throws -> [PacketCostVariant] {
        var subjects: [Subject] = []
        for object in objects { subjects.append(try await Subject(objectPath: object)) }
        for subject in subjects { _ = try await subject.program.testRunEntry(frame: subject.established) }  // flow enters the table

        let nonVIP = try await measure(subjects) { try await $0.program.testRunEntry(frame: $0.nonVIP) }
        let established = try await measure(subjects) { try await $0.program.testRunEntry(frame: $0.established) }
        let newFlow = try await measure(subjects) { try await $0.program.testRunEntry(frame: $0.nextNewFlow(flags: 0x02)) }
        let unknownFlow = try await measure(subjects) { try await $0.program.testRunEntry(frame: $0.nextNewFlow(flags: 0x10)) }

        return subjects.indices.map { i in
            func row(_ name: String, _ values: [Double], floor: [Double], target: String) -> PacketCostResult {
                let sorted = values.sorted()
                return PacketCostResult(name: name, calls: sorted.count, medianNanoseconds: sorted[sorted.count / 2],
                                        p90Nanoseconds: sorted[sorted.count * 9 / 10],
                                        overFloorNanoseconds: sorted[sorted.count / 2] - Self.median(floor), target: target)
            }
            func row(_ name: String, _ measured: Measured, target: String) -> PacketCostResult {
                row(name, measured.durations[i], floor: measured.floor[i], target: target)
            }
            let floor = [nonVIP, established, newFlow, unknownFlow].flatMap { $0.floor[i] }
            return PacketCostVariant(label: subjects[i].label, rows: [
                row("floor: MAC swap + XDP_TX (all rows' floor calls)", floor, floor: floor, target: "-"),
                row("entry, DR on, frame not for a VIP (XDP_PASS)", nonVIP, target: "-"),
                row("entry, DR: established flow (XDP_TX)", established, target: "floor + 60 ns"),
                row("entry, DR: new flow (TCP SYN), mh over 100 reals (XDP_TX)", newFlow, target: "floor + 160 ns"),
                row("entry, DR: unknown flow mid-stream (TCP ACK), mh over 100 reals (XDP_TX)", unknownFlow, target: "-")])
        }
    }

    /// One row's durations per subject, and its floor's, taken alongside.
    struct Measured {
        var durations: [[Double]]
        var floor: [[Double]]
    }

    /// `calls` durations per subject, taken in interleaved slices, each slice of a subject after as
    /// many calls of its floor program: the machine's load drifts, so each row is set against the
    /// floor measured beside it, not against one taken minutes earlier.
    private func measure(_ subjects: [Subject], _ body: (Subject) async throws -> TestRunResult) async throws -> Measured {
        var durations = subjects.map { _ in [Double]() }
        var floor = durations
        for i in durations.indices {
            durations[i].reserveCapacity(calls)
            floor[i].reserveCapacity(calls)
        }
        var done = 0
        while done < calls {
            let n = min(slice, calls - done)
            for (i, subject) in subjects.enumerated() {
                for _ in 0..<n {
                    floor[i].append(Double(try await subject.program.testRunFloor(frame: subject.established).durationNanoseconds))
                }
                for _ in 0..<n { durations[i].append(Double(try await body(subject).durationNanoseconds)) }
            }
            done += n
        }
        Bench.log("packet cost: \(calls) calls, medians " + durations.map { "\(Self.median($0)) ns" }.joined(separator: ", ")
                  + "; floors " + floor.map { "\(Self.median($0)) ns" }.joined(separator: ", "))
        return Measured(durations: durations, floor: floor)
    }

    private static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    /// One loaded object with the benchmark's service programmed, and its frames.
    final class Subject {
        let label: String
        let program: EntryProgram
        let established = PacketCostBenchmark.tcpFrame(sourcePort: 40000, flags: 0x10)
        let nonVIP = PacketCostBenchmark.tcpFrame(sourcePort: 40000, flags: 0x10, destination: [192, 0, 2, 99])
        private var newFlow = PacketCostBenchmark.tcpFrame(sourcePort: 40000, flags: 0x10)
        private var port: UInt32 = 0

        init(objectPath: String?) async throws {
            label = objectPath.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "embedded"
            program = try EntryProgram(objectPath: objectPath)
            try await program.setDRSteering(true, ifindex: 1)   // test runs arrive on loopback, ifindex 1
            let reals = (1...100).map { RealServer(address: IPAddress("198.51.100.\($0)")!, port: 80, weight: UInt32(1 + $0 % 4)) }
            let service = Service(key: ServiceKey(address: IPAddress(PacketCostBenchmark.vip)!, port: 80, transport: .tcp),
                                  scheduler: .maglev, hashFields: nil, reals: reals)   // mh's default: the client address
            var planner = DataPathPlanner(limits: DataPathLimits(maxServices: DRDataPath.maxServices,
                                                                 maxReals: DRDataPath.maxReals, ringSlots: DRDataPath.ringSlots))
            let state = try planner.plan([service])
            var links: [IPAddress: RealLink] = [:]
            for real in reals {
                links[real.address] = .resolved(DRReal.Link(destination: [2, 0xee, 0, 0, 0, real.address.bytes[3]],
                                                             source: [2, 0xd1, 0, 0, 0, 1], ifindex: 1))
            }
            try await program.programDR(DRPathBuilder.dataPath(state, configured: [service], links: links))
        }

        /// A new client address and port each call: every frame misses the connection table.
        /// `flags`: TCP flags, 0x02 for a connection's first frame (SYN), 0x10 (ACK) for a frame
        /// of a connection the table does not know (after a failover, or evicted).
        func nextNewFlow(flags: UInt8) -> [UInt8] {
            port &+= 1
            newFlow[47] = flags
            newFlow[26] = 203; newFlow[27] = 0; newFlow[28] = 113; newFlow[29] = UInt8(truncatingIfNeeded: port >> 16)
            newFlow[34] = UInt8(truncatingIfNeeded: port >> 8); newFlow[35] = UInt8(truncatingIfNeeded: port)
            return newFlow
        }
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
