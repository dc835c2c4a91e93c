// Writes a DRDataPath into the DR stage's maps and reads its counters. Owned by EntryProgram (an
// actor), so it is never used from two threads at once.
//
// The order of the writes is what keeps every packet steered by a consistent state: a service
// that goes away stops being matched (in xdpha_dr_services and in the service index) before its
// id can be reused; a real is written before any ring names it and cleared only after no ring
// does; a ring, like the service index, is built completely in a fresh inner map and swapped in
// with one update of its outer map (the data path sees the old one or the new one, never a mix);
// the index names a service only once its ring and its entry in xdpha_dr_services are in place.
// That a real index names one real from its write until its clear relies on the caller not
// reusing, within one write, an index it frees (Balancer's planner does not).
// A real's ARRAY entry is copied in place, so a reader racing that one copy may see old and new
// fields of that real mixed for one packet.
import CBPF
import CXDPHA
import Foundation

final class DRMaps {
    private let vips: BPFMap
    private let services: BPFMap
    private let serviceIndex: BPFMap
    private let reals: BPFMap
    private let rings: BPFMap
    private let egress: BPFMap
    let serviceStats: BPFMap
    let realStats: BPFMap
    let connections: BPFMap
    let connectionOrder: BPFMap
    let outcomes: BPFMap
    let interfaces: BPFMap

    /// What the maps hold, as far as this writer knows. Nil before the first write and after a
    /// failed one: the next write then clears whatever it does not want from every slot, and
    /// leaves counters alone (they may belong to maps that outlived a previous writer).
    private var programmed: DRDataPath?
    private var egressDevices: Set<UInt32> = []
    private var egressKnown = false

    var egressFD: Int32 { egress.fd }

    var snapshotMaps: DRSnapshotMaps {
        DRSnapshotMaps(services: services.fd, reals: reals.fd, rings: rings.fd, serviceStats: serviceStats.fd,
                       realStats: realStats.fd, outcomes: outcomes.fd, interfaces: interfaces.fd)
    }

    init(object: BPFObject) throws {
        vips = try object.map(named: "xdpha_dr_vips")
        services = try object.map(named: "xdpha_dr_services")
        serviceIndex = try object.map(named: "xdpha_dr_service_index")
        reals = try object.map(named: "xdpha_dr_reals")
        rings = try object.map(named: "xdpha_dr_rings")
        egress = try object.map(named: "xdpha_dr_egress")
        serviceStats = try object.map(named: "xdpha_dr_service_stats")
        realStats = try object.map(named: "xdpha_dr_real_stats")
        connections = try object.map(named: "xdpha_dr_conns")
        connectionOrder = try object.map(named: "xdpha_dr_conn_order")
        outcomes = try object.map(named: "xdpha_dr_outcomes")
        interfaces = try object.map(named: "xdpha_ifaces")
    }

    func program(_ desired: DRDataPath) throws {
        try DRDataPathValidation.check(desired)
        let old = programmed
        programmed = nil
        // What the service index holds: the records of what the maps hold, when that is known.
        let wasIndexed = try old.map { try Set($0.services.map(DRServiceIndex.record)) }
        let wantedRecords = try Set(desired.services.map(DRServiceIndex.record))
        let keptRecords = wasIndexed?.intersection(wantedRecords) ?? []
        let oldServices = Dictionary(uniqueKeysWithValues: (old?.services ?? []).map { ($0.id, $0) })
        let oldReals = Dictionary(uniqueKeysWithValues: (old?.reals ?? []).map { ($0.index, $0) })
        let wantedServiceKeys = try Set(desired.services.map { try keyBytes(DRMapRecords.serviceKey($0)) })
        let wantedIDs = Set(desired.services.map(\.id))
        let wantedIndices = Set(desired.reals.map(\.index))
        // Services that stay what they were: a real that leaves one hands its counts over to it.
        let keptIDs = Set(desired.services.filter { service in
            oldServices[service.id].map { Self.sameKey($0, service) } ?? false
        }.map(\.id))
        func retire(_ index: UInt32) throws {
            let serviceID = oldReals[index].map(\.serviceID).flatMap { keptIDs.contains($0) ? $0 : nil }
            try self.retireCounters(ofReal: index, into: serviceID)
        }

        // 1. Services that go: unmatched first, so their ids are free to take.
        for key in try services.keys(size: MemoryLayout<xdpha_dr_service_key>.size) where !wantedServiceKeys.contains(key) {
            try services.delete(keyBytes: key)
        }
        if wasIndexed != keptRecords {
            try swapServiceIndex(keptRecords)
        }
        for id in 0..<UInt32(DRDataPath.maxServices) where !wantedIDs.contains(id) && (old == nil || oldServices[id] != nil) {
            try rings.delete(key: id, missingIsFine: true)
            if old != nil {
                try serviceStats.zeroPerCPU(index: id, valueSize: MemoryLayout<xdpha_dr_stats>.size)
            }
        }

        // 2. Reals that are new or changed, before any ring names them.
        for real in desired.reals where old == nil || oldReals[real.index] != real {
            if old != nil && oldReals[real.index]?.generation != real.generation {
                try retire(real.index)
            }
            var value = try DRMapRecords.realValue(real)
            try reals.update(key: real.index, value: &value)
        }

        // 3. Rings, each swapped in whole; then the entries that point at them.
        for service in desired.services {
            let previous = oldServices[service.id]
            if old != nil && !keptIDs.contains(service.id) {
                // A new service, or a new one that took a freed id: its counters start at zero.
                try serviceStats.zeroPerCPU(index: service.id, valueSize: MemoryLayout<xdpha_dr_stats>.size)
            }
            if old != nil, previous?.ring == service.ring { continue }
            try swapRing(id: service.id, ring: service.ring)
        }
        for service in desired.services where old == nil || oldServices[service.id] != service {
            var key = try DRMapRecords.serviceKey(service)
            var value = DRMapRecords.serviceValue(service)
            try services.update(key: &key, value: &value)
        }
        if keptRecords != wantedRecords {
            try swapServiceIndex(wantedRecords)
        }

        // 4. VIPs: one entry per address, counting its services.
        var perAddress: [[UInt8]: UInt32] = [:]
        for service in desired.services { perAddress[service.address, default: 0] += 1 }
        var wantedVIPKeys = Set<[UInt8]>()
        for (address, count) in perAddress {
            var key = try DRMapRecords.vipKey(address)
            wantedVIPKeys.insert(keyBytes(key))
            var value = xdpha_dr_vip(services: count, reserved: 0)
            try vips.update(key: &key, value: &value)
        }
        for key in try vips.keys(size: MemoryLayout<xdpha_dr_vip_key>.size) where !wantedVIPKeys.contains(key) {
            try vips.delete(keyBytes: key)
        }

        // 5. Reals no ring names any more.
        let stale = old.map { Set($0.reals.map(\.index)) } ?? Set(0..<UInt32(DRDataPath.maxReals))
        for index in stale.subtracting(wantedIndices) {
            var cleared = xdpha_dr_real()
            try reals.update(key: index, value: &cleared)
            if oldReals[index] != nil { try retire(index) }
        }
        programmed = desired
    }

    private static func sameKey(_ one: DRService, _ other: DRService) -> Bool {
        one.address == other.address && one.port == other.port && one.ipProtocol == other.ipProtocol
    }

    /// Clears a real index's counters before it names another real, or none. When the service the
    /// real served stays (`serviceID`), what the real counted first moves into that service's
    /// totals of left reals and into the forwarded outcomes (xdpha_maps.h), so that neither goes
    /// back. Frames the program counts between the read and the clear are lost: a few at most.
    private func retireCounters(ofReal index: UInt32, into serviceID: UInt32?) throws {
        if let serviceID {
            let counted = try realStats.drTrafficCounters(index: index)
            if counted != DRTrafficCounters() {
                try serviceStats.addToPerCPU(index: serviceID, words: counted.words)
                try outcomes.addToPerCPU(index: UInt32(XDPHA_DR_TX), words: [counted.packets &- counted.redirected])
                try outcomes.addToPerCPU(index: UInt32(XDPHA_DR_REDIRECT), words: [counted.redirected])
            }
        }
        try realStats.zeroPerCPU(index: index, valueSize: MemoryLayout<xdpha_dr_stats>.size)
    }

    /// Makes xdpha_dr_egress hold exactly `ifindexes`: the interfaces other than the ingress one
    /// that reals are reached through. The kernel resolves each index in the calling thread's
    /// network namespace, so the daemon calls this from the namespace of its interfaces.
    func setEgress(_ ifindexes: Set<UInt32>) throws {
        if !egressKnown {
            // Pinned maps may hold devices another process wrote: start from what is there.
            for key in try egress.keys(size: 4) {
                egressDevices.insert(key.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) })
            }
            egressKnown = true
        }
        for device in ifindexes.subtracting(egressDevices) {
            var value = device
            try egress.update(key: device, value: &value)
            egressDevices.insert(device)
        }
        for device in egressDevices.subtracting(ifindexes) {
            try egress.delete(key: device, missingIsFine: true)
            egressDevices.remove(device)
        }
    }

    /// A new inner ARRAY holding [count, ring...], swapped into xdpha_dr_rings[id]; an empty
    /// ring removes the slot (new flows of the service then go to the kernel).
    private func swapRing(id: UInt32, ring: [UInt32]) throws {
        guard !ring.isEmpty else {
            try rings.delete(key: id, missingIsFine: true)
            return
        }
        try swapInner(of: rings, key: id, name: "xdpha_dr_ring", valueSize: MemoryLayout<xdpha_dr_ring_block>.size,
                      entries: DRRingLayout.blockCount, values: DRRingLayout.blocks(ring), what: "the ring of DR service \(id)")
    }

    /// What the service index holds, by slot.
    func serviceIndexRecords() throws -> [Int: [UInt8]] {
        guard let inner = MapReading.innerMap(fd: serviceIndex.fd, key: 0) else { return [:] }
        defer { close(inner) }
        var records: [Int: [UInt8]] = [:]
        var record = [UInt8](repeating: 0, count: DRServiceIndex.recordSize)
        for slot in 0..<UInt32(DRServiceIndex.slots) {
            var key = slot
            try BPFError.check(bpf_map_lookup_elem(inner, &key, &record), "read slot \(slot) of the DR service index")
            if record.contains(where: { $0 != 0 }) { records[Int(slot)] = record }
        }
        return records
    }

    /// Removes a service from xdpha_dr_services only, leaving the index as it is: lets a test tell
    /// which of the two a frame was steered by. The next write puts the entry back.
    func forgetServiceRecord(_ key: xdpha_dr_service_key) throws {
        var key = key
        try BPFError.check(bpf_map_delete_elem(services.fd, &key), "delete from xdpha_dr_services")
        programmed = nil
    }

    /// A new service index holding `records`, swapped into xdpha_dr_service_index[0].
    private func swapServiceIndex(_ records: Set<[UInt8]>) throws {
        let layout = DRServiceIndex.layout(records)
        try swapInner(of: serviceIndex, key: 0, name: "xdpha_dr_svcidx", valueSize: DRServiceIndex.recordSize,
                      entries: DRServiceIndex.slots, values: layout.values, what: "the DR service index")
    }

    /// Creates an ARRAY of `entries` values of `valueSize` bytes, fills it with `values` (the
    /// leading ones; the rest stay zero), and puts it into `outer` at `key`.
    private func swapInner(of outer: BPFMap, key: UInt32, name: String, valueSize: Int, entries: Int, values: [UInt8],
                           what: String) throws {
        let fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, name, 4, UInt32(valueSize), UInt32(entries), nil)
        try BPFError.check(fd, "create \(what)")
        defer { close(fd) }
        let filled = values.count / valueSize
        let keys = (0..<UInt32(filled)).map { $0 }
        var count = UInt32(filled)
        var batch = bpf_map_batch_opts()
        batch.sz = MemoryLayout<bpf_map_batch_opts>.size
        if filled > 0 && bpf_map_update_batch(fd, keys, values, &count, &batch) < 0 {
            // Kernels before 5.6 have no batch updates for arrays: one element at a time.
            for key in keys {
                var key = key
                let status = values.withUnsafeBytes {
                    bpf_map_update_elem(fd, &key, $0.baseAddress! + Int(key) * valueSize, UInt64(BPF_ANY))
                }
                try BPFError.check(status, "fill \(what)")
            }
        }
        var slot = key
        var inner = UInt32(fd)
        try BPFError.check(bpf_map_update_elem(outer.fd, &slot, &inner, UInt64(BPF_ANY)), "swap in \(what)")
    }

    private func keyBytes<Key>(_ key: Key) -> [UInt8] {
        withUnsafeBytes(of: key) { Array($0) }
    }
}
