// The maps of the VRRP reception stage, read and written from user space. Not Sendable: the
// EntryProgram actor owns one and hands out only the values it reads.
import CBPF
import CXDPHA
import Foundation

final class VRRPReceptionMaps {
    private let switches: InterfaceSwitches
    private let config: BPFMap
    private let adverts: BPFMap
    private let counters: BPFMap
    private let timers: BPFMap
    let events: VRRPEventRing

    init(object: BPFObject, switches: InterfaceSwitches) throws {
        self.switches = switches
        config = try object.map(named: "vrrp_config")
        adverts = try object.map(named: "vrrp_adverts")
        counters = try object.map(named: "vrrp_counters")
        timers = try object.map(named: "vrrp_timers")
        events = try VRRPEventRing(map: object.map(named: "vrrp_events"))
    }

    // MARK: Interfaces

    /// Sets XDPHA_IFACE_VRRP_RX on `ifindex`, keeping the other stages' flags, and creates the
    /// interface's unclaimed counter slots.
    func enable(ifindex: UInt32) throws {
        try switches.set(UInt32(XDPHA_IFACE_VRRP_RX), on: true, ifindex: ifindex)
        for family in VRRPAddressFamily.allCases {
            try createCounters(VRRPReceptionKey.unclaimed(ifindex: ifindex, family: family))
        }
    }

    /// Clears XDPHA_IFACE_VRRP_RX; the interface's entry goes when no stage is left on it.
    func disable(ifindex: UInt32) throws {
        try switches.set(UInt32(XDPHA_IFACE_VRRP_RX), on: false, ifindex: ifindex)
    }

    func interfaceFlags(ifindex: UInt32) throws -> UInt32? {
        try switches.flags(ifindex: ifindex)
    }

    // MARK: Virtual routers

    /// Writes the configuration; the advert record and counters are created once and kept
    /// across later writes (a reload or a state change must not forget the master).
    func configure(_ key: VRRPReceptionKey, _ value: xdpha_vrrp_config) throws {
        var mapKey = key.mapKey
        var value = value
        var empty = xdpha_vrrp_advert()
        try adverts.vrrpUpdate(&mapKey, &empty, flags: BPF_NOEXIST, allowExisting: true)
        try createCounters(key)
        try createTimer(key)
        try config.vrrpUpdate(&mapKey, &value, flags: BPF_ANY)
    }

    /// The kernel's Master_Down_Timer slot: its layout is the program's own (a bpf_timer), so it
    /// is created zero-filled by the map's value size and never read here.
    private func createTimer(_ key: VRRPReceptionKey) throws {
        var mapKey = key.mapKey
        var zeros = [UInt8](repeating: 0, count: Int(bpf_map__value_size(timers.handle)))
        let result = zeros.withUnsafeMutableBytes {
            bpf_map_update_elem(timers.fd, &mapKey, $0.baseAddress, UInt64(BPF_NOEXIST))
        }
        if result == -EEXIST { return }
        try BPFError.check(result, "create vrrp_timers[\(key)]")
    }

    func configuration(_ key: VRRPReceptionKey) throws -> xdpha_vrrp_config? {
        var mapKey = key.mapKey
        var value = xdpha_vrrp_config()
        return try config.vrrpLookup(&mapKey, into: &value) ? value : nil
    }

    func remove(_ key: VRRPReceptionKey) throws {
        var mapKey = key.mapKey
        try config.vrrpDelete(&mapKey)
        try adverts.vrrpDelete(&mapKey)
        try counters.vrrpDelete(&mapKey)
        try timers.vrrpDelete(&mapKey)
    }

    func lastAdvert(_ key: VRRPReceptionKey) throws -> VRRPReceivedAdvert? {
        var mapKey = key.mapKey
        var value = xdpha_vrrp_advert()
        guard try adverts.vrrpLookup(&mapKey, into: &value), value.last_ns != 0 else { return nil }
        return VRRPReceivedAdvert(family: key.family, source: value.source, version: value.version,
                                  priority: value.priority, interval: value.max_adver_int,
                                  count: value.address_count, at: value.last_ns)
    }

    func counts(_ key: VRRPReceptionKey) throws -> VRRPReceptionCounts? {
        var mapKey = key.mapKey
        let cpus = Int(libbpf_num_possible_cpus())
        var buffer = [UInt8](repeating: 0, count: max(cpus, 1) * MemoryLayout<xdpha_vrrp_counters>.stride)
        let result = buffer.withUnsafeMutableBytes { bpf_map_lookup_elem(counters.fd, &mapKey, $0.baseAddress) }
        if result == -ENOENT { return nil }
        try BPFError.check(result, "read vrrp_counters[\(key)]")
        return buffer.withUnsafeBytes { VRRPReceptionCounts(perCPU: $0, cpus: cpus) }
    }

    private func createCounters(_ key: VRRPReceptionKey) throws {
        var mapKey = key.mapKey
        let cpus = Int(libbpf_num_possible_cpus())
        var zeros = [UInt8](repeating: 0, count: max(cpus, 1) * MemoryLayout<xdpha_vrrp_counters>.stride)
        let result = zeros.withUnsafeMutableBytes {
            bpf_map_update_elem(counters.fd, &mapKey, $0.baseAddress, UInt64(BPF_NOEXIST))
        }
        if result == -EEXIST { return }
        try BPFError.check(result, "create vrrp_counters[\(key)]")
    }
}

// Plain element access for the fixed-size C structs above. fileprivate: other stages keep
// their own helpers until the lead folds them into BPFMap.
extension BPFMap {
    /// Whether `key` exists; when it does, its value is in `value`.
    fileprivate func vrrpLookup<Key, Value>(_ key: inout Key, into value: inout Value) throws -> Bool {
        let result = withUnsafeMutableBytes(of: &key) { keyRaw in
            withUnsafeMutableBytes(of: &value) { bpf_map_lookup_elem(fd, keyRaw.baseAddress, $0.baseAddress) }
        }
        if result == -ENOENT { return false }
        try BPFError.check(result, "read \(name)")
        return true
    }

    fileprivate func vrrpUpdate<Key, Value>(_ key: inout Key, _ value: inout Value, flags: Int,
                                           allowExisting: Bool = false) throws {
        let result = withUnsafeMutableBytes(of: &key) { keyRaw in
            withUnsafeMutableBytes(of: &value) {
                bpf_map_update_elem(fd, keyRaw.baseAddress, $0.baseAddress, UInt64(flags))
            }
        }
        if allowExisting && result == -EEXIST { return }
        try BPFError.check(result, "write \(name)")
    }

    fileprivate func vrrpDelete<Key>(_ key: inout Key) throws {
        let result = withUnsafeMutableBytes(of: &key) { bpf_map_delete_elem(fd, $0.baseAddress) }
        if result == -ENOENT { return }
        try BPFError.check(result, "delete from \(name)")
    }
}
