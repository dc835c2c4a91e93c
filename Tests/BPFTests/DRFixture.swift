// A fresh entry program (test runs use its real maps) with the DR stage switched on for the
// interface test runs arrive on, programmed from Balancer services.
import Balancer
import Testing
@testable import BPF

struct DRFixture {
    let program: EntryProgram
    var planner = DataPathPlanner(limits: DataPathLimits(maxServices: DRDataPath.maxServices,
                                                         maxReals: DRDataPath.maxReals,
                                                         ringSlots: DRDataPath.ringSlots))
    private(set) var state = DataPathState.empty

    init(_ services: [Service], link: (RealEntry) -> DRReal.Link? = DRTestLink.link) async throws {
        program = try EntryProgram()
        try await program.setDRSteering(true, ifindex: DRTestLink.ingress)
        try await apply(services, link: link)
    }

    mutating func apply(_ services: [Service], link: (RealEntry) -> DRReal.Link? = DRTestLink.link) async throws {
        state = try planner.plan(services)
        try await program.programDR(DRStateAdapter.dataPath(state, link: link))
    }

    func run(_ frame: DRFrame) async throws -> TestRunResult {
        try await program.testRunEntry(frame: frame.bytes)
    }

    func run(bytes: [UInt8]) async throws -> TestRunResult {
        try await program.testRunEntry(frame: bytes)
    }

    /// The real the connection table holds for the frame's flow.
    func connection(_ frame: DRFrame) async throws -> RealEntry? {
        let flow = frame.flow
        guard let index = try await program.drConnection(
            source: flow.source.bytes, destination: flow.destination.bytes, sourcePort: flow.sourcePort,
            destinationPort: flow.destinationPort, ipProtocol: flow.transport.rawValue) else { return nil }
        return state.real(index: index)
    }

    func outcome(_ outcome: DROutcome) async throws -> UInt64 {
        try await program.drOutcomeCounts()[outcome] ?? 0
    }

    /// Which real a steered output frame went to, by its destination MAC.
    func real(receiving packet: [UInt8]) -> RealEntry? {
        state.reals.first { DRTestLink.mac(of: $0.server) == Array(packet.prefix(6)) }
    }
}

/// The frame the stage should send for `frame` to `real`: only the two MACs differ.
func steered(_ frame: [UInt8], to real: RealServer) -> [UInt8] {
    DRTestLink.mac(of: real) + DRTestLink.director + Array(frame.dropFirst(12))
}

let drVIP = "203.0.113.10"
let drVIP6 = "2001:db8:10::80"

func drReals(_ count: Int, v6: Bool = false, weights: [UInt32]? = nil, port: UInt16 = 80) -> [RealServer] {
    (0..<count).map { i in
        RealServer(address: IPAddress(v6 ? "2001:db8:20::\(i + 1)" : "198.51.100.\(i + 1)")!, port: port,
                   weight: weights?[i] ?? 1)
    }
}

func drService(_ vip: String = drVIP, port: UInt16 = 80, _ transport: TransportProtocol = .tcp,
               scheduler: Scheduler = .maglev, fields: FlowFields? = .fiveTuple, persistence: UInt32 = 0,
               reals: [RealServer]) -> Service {
    Service(key: ServiceKey(address: IPAddress(vip)!, port: port, transport: transport), scheduler: scheduler,
            hashFields: scheduler.usesHash ? fields : nil, persistenceTimeout: persistence, reals: reals)
}

