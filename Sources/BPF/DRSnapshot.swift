// What the DR maps hold, read back: services, reals, counters and the interfaces the stage runs
// on. `xdpha status --services` reads it from the pinned maps without loading a program; a
// restarting controller reads it to carry its service ids and real indices over.
import CBPF
import CXDPHA
import Foundation

public struct DRSnapshot: Hashable, Sendable {
    public struct Service: Hashable, Sendable {
        /// 4 or 16 bytes, network order.
        public var address: [UInt8]
        public var port: UInt16
        public var ipProtocol: UInt8
        public var id: UInt32
        public var lookup: DRService.Lookup
        public var persistenceTimeout: UInt32
        public var schedulerName: DRSchedulerName
        /// Slots of the service's ring; 0 when it has none (no real takes new flows).
        public var ringSlots: Int
        public var counters: DRTrafficCounters
    }

    public struct Real: Hashable, Sendable {
        public var index: UInt32
        public var generation: UInt32
        public var serviceID: UInt32
        /// 4 or 16 bytes, network order.
        public var address: [UInt8]
        public var takesNewFlows: Bool
        public var weight: UInt16
        /// Nil while the real's MAC is not resolved.
        public var link: DRReal.Link?
        public var counters: DRTrafficCounters
    }

    public var services: [Service]     // ordered by id
    public var reals: [Real]           // ordered by index, in-use entries only
    public var outcomes: [DROutcome: UInt64]
    /// ifindex -> XDPHA_IFACE_* flags, for every interface a stage is switched on for.
    public var interfaceFlags: [UInt32: UInt32]

    public func reals(of service: Service) -> [Real] { reals.filter { $0.serviceID == service.id } }

    /// Whether DR steering is switched on for `ifindex`.
    public func steers(ifindex: UInt32) -> Bool {
        (interfaceFlags[ifindex] ?? 0) & UInt32(XDPHA_IFACE_DR_STEER) != 0
    }
}

/// The file descriptors of the maps a snapshot reads; borrowed, not closed here.
struct DRSnapshotMaps {
    var services: Int32
    var reals: Int32
    var rings: Int32
    var serviceStats: Int32
    var realStats: Int32
    var outcomes: Int32
    var interfaces: Int32

    /// The names the maps have in bpf/xdpha.c (and as pins).
    static let names = ["xdpha_dr_services", "xdpha_dr_reals", "xdpha_dr_rings", "xdpha_dr_service_stats",
                        "xdpha_dr_real_stats", "xdpha_dr_outcomes", "xdpha_ifaces"]

    func read() throws -> DRSnapshot {
        var reals: [DRSnapshot.Real] = []
        for index in 0..<UInt32(XDPHA_DR_MAX_REALS) {
            var value = xdpha_dr_real()
            var key = index
            guard bpf_map_lookup_elem(self.reals, &key, &value) == 0 else { continue }
            let flags = Int32(value.flags)
            guard flags & Int32(XDPHA_DR_REAL_IN_USE) != 0 else { continue }
            let length = value.family == UInt8(XDPHA_DR_FAMILY_IPV4) ? 4 : 16
            var link: DRReal.Link?
            if flags & Int32(XDPHA_DR_REAL_RESOLVED) != 0 {
                link = DRReal.Link(destination: withUnsafeBytes(of: value.dmac) { Array($0) },
                                   source: withUnsafeBytes(of: value.smac) { Array($0) }, ifindex: value.ifindex)
            }
            reals.append(DRSnapshot.Real(
                index: index, generation: value.generation, serviceID: value.service_id,
                address: withUnsafeBytes(of: value.addr) { Array($0.prefix(length)) },
                takesNewFlows: flags & Int32(XDPHA_DR_REAL_ACTIVE) != 0, weight: value.weight, link: link,
                counters: try MapReading.trafficCounters(fd: realStats, index: index)))
        }

        var services: [DRSnapshot.Service] = []
        for keyBytes in try MapReading.keys(fd: self.services, size: MemoryLayout<xdpha_dr_service_key>.size) {
            let key = keyBytes.withUnsafeBytes { $0.loadUnaligned(as: xdpha_dr_service_key.self) }
            var value = xdpha_dr_service()
            guard try MapReading.lookup(fd: self.services, key: keyBytes, into: &value, what: "xdpha_dr_services") else { continue }
            let length = key.family == UInt8(XDPHA_DR_FAMILY_IPV4) ? 4 : 16
            let address = withUnsafeBytes(of: key.addr) { Array($0.prefix(length)) }
            let lookup: DRService.Lookup = value.scheduler == UInt8(XDPHA_DR_SCHED_WALK)
                ? .walk : .hash(fields: value.hash_fields)
            services.append(DRSnapshot.Service(
                address: address, port: UInt16(bigEndian: key.port), ipProtocol: key.proto, id: value.id,
                lookup: lookup, persistenceTimeout: value.persistence_timeout,
                schedulerName: DRSchedulerName(mapValue: value.lvs_sched), ringSlots: try ringSlots(id: value.id),
                counters: DRCounterTotals.service(
                    retired: try MapReading.trafficCounters(fd: serviceStats, index: value.id),
                    reals: reals.filter { $0.serviceID == value.id }.map(\.counters))))
        }
        services.sort { $0.id < $1.id }

        var outcomes: [DROutcome: UInt64] = [:]
        for outcome in DROutcome.allCases {
            outcomes[outcome] = try MapReading.perCPUValues(fd: self.outcomes, index: outcome.mapIndex, valueSize: 8)
                .reduce(0) { $0 &+ $1.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) } }
        }
        outcomes = DRCounterTotals.outcomes(outcomes, reals: reals.map(\.counters))

        var interfaceFlags: [UInt32: UInt32] = [:]
        for keyBytes in try MapReading.keys(fd: interfaces, size: 4) {
            var value = xdpha_iface()
            if try MapReading.lookup(fd: interfaces, key: keyBytes, into: &value, what: "xdpha_ifaces") {
                interfaceFlags[keyBytes.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }] = value.flags
            }
        }
        return DRSnapshot(services: services, reals: reals, outcomes: outcomes, interfaceFlags: interfaceFlags)
    }

    /// Block 0 of the service's inner ring.
    private func ringSlots(id: UInt32) throws -> Int {
        guard let inner = MapReading.innerMap(fd: rings, key: id) else { return 0 }
        defer { close(inner) }
        var zero: UInt32 = 0
        var head = xdpha_dr_ring_block()
        guard bpf_map_lookup_elem(inner, &zero, &head) == 0 else { return 0 }
        return DRRingLayout.slots(inHead: head)
    }
}

/// The DR maps pinned under a directory, opened by path: no program is loaded.
public final class DRPinnedMaps {
    public let directory: String
    private let fds: [Int32]

    /// Opens every map the snapshot needs; throws when one is not pinned there.
    public init(directory: String) throws {
        self.directory = directory
        var opened: [Int32] = []
        for name in DRSnapshotMaps.names {
            let path = directory + "/" + name
            let fd = bpf_obj_get(path)
            guard fd >= 0 else {
                let code = errno
                for fd in opened { close(fd) }
                throw BPFError("open pinned map \(path)", code: code)
            }
            opened.append(fd)
        }
        fds = opened
    }

    deinit { for fd in fds { close(fd) } }

    public func snapshot() throws -> DRSnapshot {
        try DRSnapshotMaps(services: fds[0], reals: fds[1], rings: fds[2], serviceStats: fds[3], realStats: fds[4],
                           outcomes: fds[5], interfaces: fds[6]).read()
    }
}

extension EntryProgram {
    /// What this program's DR maps hold now.
    public func drSnapshot() throws -> DRSnapshot {
        try dr.snapshotMaps.read()
    }
}
