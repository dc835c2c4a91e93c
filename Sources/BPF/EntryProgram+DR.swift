// The DR stage of the entry program as the control plane drives it: write the desired state,
// switch the stage on per interface, read counters and the connection table.
import CBPF
import CXDPHA
import Foundation

extension EntryProgram {
    /// Makes the DR maps hold `path` (see DRMaps for the order of the writes). A refused path
    /// (DRDataPathError) leaves the maps as they were.
    public func programDR(_ path: DRDataPath) throws {
        try dr.program(path)
    }

    /// Switches DR steering on or off for frames arriving on `ifindex`, keeping the interface's
    /// other stages (xdpha_ifaces flags) as they are.
    public func setDRSteering(_ enabled: Bool, ifindex: UInt32) throws {
        try switches.set(UInt32(XDPHA_IFACE_DR_STEER), on: enabled, ifindex: ifindex)
    }

    /// The interfaces, other than the one a frame came in on, that frames may be redirected to
    /// (a real whose link names another interface); see DRMaps.setEgress.
    public func setDREgress(_ ifindexes: Set<UInt32>) throws {
        try dr.setEgress(ifindexes)
    }

    /// The fd of xdpha_dr_egress, for a caller that must update it from another namespace.
    var drEgressMapFD: Int32 { dr.egressFD }

    /// Adds `ifindex` to the egress map `mapFD`, resolved in the calling thread's namespace.
    nonisolated static func addDREgress(mapFD: Int32, ifindex: UInt32) throws {
        var key = ifindex
        var value = ifindex
        try BPFError.check(bpf_map_update_elem(mapFD, &key, &value, UInt64(BPF_ANY)),
                           "add ifindex \(ifindex) to xdpha_dr_egress")
    }

    /// Zeroes the counters of these service ids and real indices: a writer that starts over
    /// pinned maps calls it for the services and reals that are new to the maps, whose slots may
    /// still hold the counts of whatever used them before.
    public func zeroDRCounters(serviceIDs: [UInt32], realIndices: [UInt32]) throws {
        let size = MemoryLayout<xdpha_dr_stats>.size
        for id in serviceIDs { try dr.serviceStats.zeroPerCPU(index: id, valueSize: size) }
        for index in realIndices { try dr.realStats.zeroPerCPU(index: index, valueSize: size) }
    }

    /// What the service counted: its reals' counters and those of reals that left it.
    public func drServiceCounters(id: UInt32) throws -> DRTrafficCounters {
        try drSnapshot().services.first { $0.id == id }?.counters ?? DRTrafficCounters()
    }

    public func drRealCounters(index: UInt32) throws -> DRTrafficCounters {
        try dr.realStats.drTrafficCounters(index: index)
    }

    public func drOutcomeCounts() throws -> [DROutcome: UInt64] {
        try drSnapshot().outcomes
    }

    /// The DR service index's records by slot (DRServiceIndex), for tests.
    func drServiceIndexRecords() throws -> [Int: [UInt8]] {
        try dr.serviceIndexRecords()
    }

    /// Removes a service from xdpha_dr_services only (DRMaps.forgetServiceRecord), for tests.
    func drForgetServiceRecord(_ key: xdpha_dr_service_key) throws {
        try dr.forgetServiceRecord(key)
    }

    /// The real index the connection table holds for a flow, or nil when it holds none.
    /// Addresses are 4 or 16 bytes in network order.
    public func drConnection(source: [UInt8], destination: [UInt8], sourcePort: UInt16, destinationPort: UInt16,
                             ipProtocol: UInt8) throws -> UInt32? {
        let key = try DRConnectionTable.key(source: source, destination: destination, sourcePort: sourcePort,
                                            destinationPort: destinationPort, ipProtocol: ipProtocol)
        return try DRConnectionTable.lookup(table: dr.connections.fd, order: dr.connectionOrder.fd, key)?.real
    }
}
