// Element access on a BPFMap for the control plane's writers: update, delete, key listing and
// per-CPU values. Thin: each call is one bpf() system call (key listing one per key).
import CBPF
import Foundation

extension BPFMap {
    func update<Value: BitwiseCopyable>(key: UInt32, value: inout Value) throws {
        var key = key
        try update(key: &key, value: &value)
    }

    func update<Key: BitwiseCopyable, Value: BitwiseCopyable>(key: inout Key, value: inout Value) throws {
        let result = withUnsafeBytes(of: &key) { keyRaw in
            withUnsafeBytes(of: &value) { valueRaw in
                bpf_map_update_elem(fd, keyRaw.baseAddress, valueRaw.baseAddress, UInt64(BPF_ANY))
            }
        }
        try BPFError.check(result, "update \(name)")
    }

    func delete(key: UInt32, missingIsFine: Bool) throws {
        var key = key
        let result = bpf_map_delete_elem(fd, &key)
        if result < 0 && missingIsFine && (-result == ENOENT || errno == ENOENT) { return }
        try BPFError.check(result, "delete from \(name)")
    }

    func delete(keyBytes: [UInt8]) throws {
        let result = keyBytes.withUnsafeBytes { bpf_map_delete_elem(fd, $0.baseAddress) }
        if result < 0 && (-result == ENOENT || errno == ENOENT) { return }
        try BPFError.check(result, "delete from \(name)")
    }

    /// Every key of a hash map, as bytes.
    func keys(size: Int) throws -> [[UInt8]] {
        var keys: [[UInt8]] = []
        var current = [UInt8](repeating: 0, count: size)
        var next = [UInt8](repeating: 0, count: size)
        var first = true
        while true {
            let result = current.withUnsafeBytes { currentRaw in
                next.withUnsafeMutableBytes { nextRaw in
                    bpf_map_get_next_key(fd, first ? nil : currentRaw.baseAddress, nextRaw.baseAddress)
                }
            }
            if result < 0 {
                if -result == ENOENT || errno == ENOENT { return keys }
                try BPFError.check(result, "list keys of \(name)")
            }
            keys.append(next)
            current = next
            first = false
        }
    }

    /// The values of every possible CPU for a per-CPU map's `index`, each `valueSize` bytes.
    func perCPUValues(index: UInt32, valueSize: Int) throws -> [[UInt8]] {
        let stride = (valueSize + 7) / 8 * 8
        let cpus = max(Int(libbpf_num_possible_cpus()), 1)
        var buffer = [UInt8](repeating: 0, count: stride * cpus)
        var key = index
        let result = buffer.withUnsafeMutableBytes { bpf_map_lookup_elem(fd, &key, $0.baseAddress) }
        try BPFError.check(result, "read \(name)[\(index)]")
        return (0..<cpus).map { Array(buffer[$0 * stride ..< $0 * stride + valueSize]) }
    }

    /// Adds `words` to the first CPU's value at `index` of a per-CPU map whose values are 64-bit
    /// words: for counters only the control plane writes (the program's own would race).
    func addToPerCPU(index: UInt32, words: [UInt64]) throws {
        let stride = words.count * 8
        let cpus = max(Int(libbpf_num_possible_cpus()), 1)
        var buffer = [UInt8](repeating: 0, count: stride * cpus)
        var key = index
        try BPFError.check(buffer.withUnsafeMutableBytes { bpf_map_lookup_elem(fd, &key, $0.baseAddress) },
                           "read \(name)[\(index)]")
        buffer.withUnsafeMutableBytes { raw in
            for (offset, word) in words.enumerated() {
                let sum = raw.loadUnaligned(fromByteOffset: offset * 8, as: UInt64.self) &+ word
                raw.storeBytes(of: sum, toByteOffset: offset * 8, as: UInt64.self)
            }
        }
        let result = buffer.withUnsafeMutableBytes { bpf_map_update_elem(fd, &key, $0.baseAddress, UInt64(BPF_ANY)) }
        try BPFError.check(result, "update \(name)[\(index)]")
    }

    func zeroPerCPU(index: UInt32, valueSize: Int) throws {
        let stride = (valueSize + 7) / 8 * 8
        let cpus = max(Int(libbpf_num_possible_cpus()), 1)
        var buffer = [UInt8](repeating: 0, count: stride * cpus)
        var key = index
        let result = buffer.withUnsafeMutableBytes { bpf_map_update_elem(fd, &key, $0.baseAddress, UInt64(BPF_ANY)) }
        try BPFError.check(result, "clear \(name)[\(index)]")
    }
}
