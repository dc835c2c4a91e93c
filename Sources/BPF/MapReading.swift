// Element reads by file descriptor, for maps this process did not load (pinned ones) as well as
// its own: key listing, lookups, per-CPU values and the DR traffic counters.
import CBPF
import CXDPHA
import Foundation

/// Element reads on a map by file descriptor.
enum MapReading {
    static func keys(fd: Int32, size: Int) throws -> [[UInt8]] {
        var keys: [[UInt8]] = []
        var current = [UInt8](repeating: 0, count: size)
        var next = [UInt8](repeating: 0, count: size)
        var first = true
        while true {
            let result = current.withUnsafeBytes { currentRaw in
                next.withUnsafeMutableBytes { bpf_map_get_next_key(fd, first ? nil : currentRaw.baseAddress, $0.baseAddress) }
            }
            if result < 0 {
                if -result == ENOENT || errno == ENOENT { return keys }
                try BPFError.check(result, "list keys of map fd \(fd)")
            }
            keys.append(next)
            current = next
            first = false
        }
    }

    /// False when the key is not there (deleted between listing and reading).
    static func lookup<Value>(fd: Int32, key: [UInt8], into value: inout Value, what: String) throws -> Bool {
        let result = key.withUnsafeBytes { keyRaw in
            withUnsafeMutableBytes(of: &value) { bpf_map_lookup_elem(fd, keyRaw.baseAddress, $0.baseAddress) }
        }
        if result < 0 && (-result == ENOENT || errno == ENOENT) { return false }
        try BPFError.check(result, "read \(what)")
        return true
    }

    /// A new fd for the inner map at `key` of a map of maps (user space reads an inner map's id
    /// from the outer map), or nil when that slot is empty or the map is gone. The caller closes it.
    static func innerMap(fd: Int32, key: UInt32) -> Int32? {
        var key = key
        var innerID: UInt32 = 0
        guard bpf_map_lookup_elem(fd, &key, &innerID) == 0 else { return nil }
        let inner = bpf_map_get_fd_by_id(innerID)
        return inner >= 0 ? inner : nil
    }

    static var possibleCPUs: Int { max(Int(libbpf_num_possible_cpus()), 1) }

    /// The values of every possible CPU for a per-CPU map's `index`, each `valueSize` bytes.
    static func perCPUValues(fd: Int32, index: UInt32, valueSize: Int) throws -> [[UInt8]] {
        let stride = (valueSize + 7) / 8 * 8
        let cpus = possibleCPUs
        var buffer = [UInt8](repeating: 0, count: stride * cpus)
        var key = index
        let result = buffer.withUnsafeMutableBytes { bpf_map_lookup_elem(fd, &key, $0.baseAddress) }
        try BPFError.check(result, "read per-CPU map fd \(fd) [\(index)]")
        return (0..<cpus).map { Array(buffer[$0 * stride ..< $0 * stride + valueSize]) }
    }

    static func trafficCounters(fd: Int32, index: UInt32) throws -> DRTrafficCounters {
        var total = DRTrafficCounters()
        for bytes in try perCPUValues(fd: fd, index: index, valueSize: MemoryLayout<xdpha_dr_stats>.size) {
            let stats = bytes.withUnsafeBytes { $0.loadUnaligned(as: xdpha_dr_stats.self) }
            total.packets &+= stats.packets
            total.bytes &+= stats.bytes
            total.newFlows &+= stats.new_flows
            total.redirected &+= stats.redirected
        }
        return total
    }
}
