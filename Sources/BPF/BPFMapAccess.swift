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
        try MapReading.perCPUValues(fd: fd, index: index, valueSize: valueSize)
    }

    /// Adds `words` to the first CPU's value at `index` of a per-CPU map whose values are 64-bit
    /// words: for counters only the control plane writes (the program's own would race).
    func addToPerCPU(index: UInt32, words: [UInt64]) throws {
        var buffer = try MapReading.perCPUValues(fd: fd, index: index, valueSize: words.count * 8)
        buffer[0] = buffer[0].withUnsafeBytes { raw in
            words.enumerated().flatMap { offset, word in
                withUnsafeBytes(of: raw.loadUnaligned(fromByteOffset: offset * 8, as: UInt64.self) &+ word) { Array($0) }
            }
        }
        try writePerCPU(index: index, buffer.flatMap { $0 })
    }

    func zeroPerCPU(index: UInt32, valueSize: Int) throws {
        let stride = (valueSize + 7) / 8 * 8
        try writePerCPU(index: index, [UInt8](repeating: 0, count: stride * MapReading.possibleCPUs))
    }

    /// Writes every CPU's value at `index` (each padded to 8 bytes, as the kernel lays them out).
    private func writePerCPU(index: UInt32, _ values: [UInt8]) throws {
        var key = index
        var values = values
        let result = values.withUnsafeMutableBytes { bpf_map_update_elem(fd, &key, $0.baseAddress, UInt64(BPF_ANY)) }
        try BPFError.check(result, "update \(name)[\(index)]")
    }
}
