// The service index (xdpha_dr_service_index, xdpha_maps.h) as the control plane lays it out: each
// service's slot record (its key and value, as in xdpha_dr_services) placed by open addressing
// from the slot dr_service_slot() names, within XDPHA_DR_SERVICE_PROBES slots, or left out (the
// program then finds the service in xdpha_dr_services).
import Balancer
import CXDPHA

enum DRServiceIndex {
    static let slots = Int(XDPHA_DR_SERVICE_SLOTS)
    static let probes = Int(XDPHA_DR_SERVICE_PROBES)
    static let recordSize = MemoryLayout<xdpha_dr_service_slot>.size

    /// A service's slot record, as bytes (so that records compare and hash as the program sees them).
    static func record(_ service: DRService) throws -> [UInt8] {
        var slot = xdpha_dr_service_slot()
        slot.key = try DRMapRecords.serviceKey(service)
        slot.service = DRMapRecords.serviceValue(service)
        return withUnsafeBytes(of: slot) { Array($0) }
    }

    /// dr_service_slot(): where the search for a key starts.
    static func firstSlot(of key: xdpha_dr_service_key) -> Int {
        firstSlot(ofRecord: withUnsafeBytes(of: key) { Array($0) })
    }

    /// dr_service_slot() over a record's key (its first 20 bytes).
    static func firstSlot(ofRecord record: [UInt8]) -> Int {
        record.withUnsafeBytes { raw in
            var h = FlowHash.mix(FlowHash.seed, raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
            h = FlowHash.mix(h, raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            h = FlowHash.finish(FlowHash.mix(h, UInt64(raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self))))
            return Int(h >> (64 - UInt64(XDPHA_DR_SERVICE_SLOT_BITS)))
        }
    }

    /// The inner map's contents, `slots` records end to end (empty slots zero), and the records
    /// that found no slot within the probes. Records are placed in byte order, so the same set
    /// of services always gives the same layout.
    static func layout(_ records: Set<[UInt8]>) -> (values: [UInt8], left: [[UInt8]]) {
        var values = [UInt8](repeating: 0, count: slots * recordSize)
        var taken = [Bool](repeating: false, count: slots)
        var left: [[UInt8]] = []
        for record in records.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let first = firstSlot(ofRecord: record)
            guard let slot = (0..<probes).map({ (first + $0) & (slots - 1) }).first(where: { !taken[$0] }) else {
                left.append(record)
                continue
            }
            taken[slot] = true
            values.replaceSubrange(slot * recordSize..<(slot + 1) * recordSize, with: record)
        }
        return (values, left)
    }
}
