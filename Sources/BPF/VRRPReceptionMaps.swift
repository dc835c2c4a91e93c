// The maps of the VRRP reception stage, read and written from user space. Not Sendable: the
// EntryProgram actor owns one and hands out only the values it reads.
import CBPF
import CXDPHA
import Foundation

final class VRRPReceptionMaps {
    private let switches: InterfaceSwitches
    private let config: BPFMap
    /// Per VRID, the stage's own value (kernel layout after a struct xdpha_vrrp_state head).
    private let routers: BPFMap
    private let counters: BPFMap
    private let configGeneration: BPFMap
    /// The last generation written to vrrp_config_generation; 0 only before the first write.
    private var generation: UInt32 = 0
    let events: VRRPEventRing

    init(object: BPFObject, switches: InterfaceSwitches) throws {
        self.switches = switches
        config = try object.map(named: "vrrp_config")
        routers = try object.map(named: "vrrp_routers")
        counters = try object.map(named: "vrrp_counters")
        configGeneration = try object.map(named: "vrrp_config_generation")
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

    /// Writes the configuration; the VRID's value (advert record, accepted count, timer) and
    /// counters are created once and kept across later writes (a reload or a state change must
    /// not forget the master). The stage reads a copy of the configuration that it refreshes
    /// when the generation moves, so the generation is bumped after the write.
    func configure(_ key: VRRPReceptionKey, _ value: xdpha_vrrp_config) throws {
        var mapKey = key.mapKey
        var value = value
        try config.vrrpUpdate(&mapKey, &value, flags: BPF_ANY)
        try createRouter(key)
        try createCounters(key)
        try bumpGeneration()
    }

    /// The VRID's value is the program's own layout (it holds a bpf_timer, which a write from
    /// here would cancel): created zero-filled by the map's value size, and only read after.
    private func createRouter(_ key: VRRPReceptionKey) throws {
        var mapKey = key.mapKey
        var zeros = [UInt8](repeating: 0, count: Int(bpf_map__value_size(routers.handle)))
        let result = zeros.withUnsafeMutableBytes {
            bpf_map_update_elem(routers.fd, &mapKey, $0.baseAddress, UInt64(BPF_NOEXIST))
        }
        if result == -EEXIST { return }
        try BPFError.check(result, "create vrrp_routers[\(key)]")
    }

    private func bumpGeneration() throws {
        generation = generation == UInt32.max ? 1 : generation + 1
        var index: UInt32 = 0
        var value = generation
        try configGeneration.vrrpUpdate(&index, &value, flags: BPF_ANY)
    }

    /// The head of the VRID's value, or nil when the VRID is not configured.
    private func state(_ key: VRRPReceptionKey) throws -> xdpha_vrrp_state? {
        var mapKey = key.mapKey
        var buffer = [UInt8](repeating: 0, count: Int(bpf_map__value_size(routers.handle)))
        let result = buffer.withUnsafeMutableBytes { bpf_map_lookup_elem(routers.fd, &mapKey, $0.baseAddress) }
        if result == -ENOENT { return nil }
        try BPFError.check(result, "read vrrp_routers[\(key)]")
        return buffer.withUnsafeBytes { $0.loadUnaligned(as: xdpha_vrrp_state.self) }
    }

    func configuration(_ key: VRRPReceptionKey) throws -> xdpha_vrrp_config? {
        var mapKey = key.mapKey
        var value = xdpha_vrrp_config()
        return try config.vrrpLookup(&mapKey, into: &value) ? value : nil
    }

    func remove(_ key: VRRPReceptionKey) throws {
        var mapKey = key.mapKey
        try config.vrrpDelete(&mapKey)
        try routers.vrrpDelete(&mapKey)   // cancels its timer
        try counters.vrrpDelete(&mapKey)
    }

    func lastAdvert(_ key: VRRPReceptionKey) throws -> VRRPReceivedAdvert? {
        guard let value = try state(key)?.last, value.last_ns != 0 else { return nil }
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
        var counts = buffer.withUnsafeBytes { VRRPReceptionCounts(perCPU: $0, cpus: cpus) }
        // The stage counts accepted adverts in the VRID's own value (one lookup per advert).
        if key.vrid != UInt8(XDPHA_VRRP_UNCLAIMED_VRID), let state = try state(key) {
            counts.add(state.accepted, to: .accepted)
        }
        return counts
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
