// SipHash-2-4 (Aumasson and Bernstein, 2012) with a caller-given key. The balancer needs hashes
// that are the same in every process on every machine, which Swift's Hasher (randomly seeded
// per process) is not.

public struct SipHash24: Sendable {
    public let k0: UInt64
    public let k1: UInt64

    public init(k0: UInt64, k1: UInt64) {
        self.k0 = k0
        self.k1 = k1
    }

    /// The key as 16 bytes: k0 and k1 are read little-endian from them, as the paper specifies.
    public init(key: [UInt8]) {
        precondition(key.count == 16, "SipHash keys are 16 bytes")
        self.init(k0: SipHash24.littleEndianWord(key, from: 0, count: 8),
                  k1: SipHash24.littleEndianWord(key, from: 8, count: 8))
    }

    public func hash(_ message: [UInt8]) -> UInt64 {
        var state = State(k0: k0, k1: k1)
        let whole = message.count / 8 * 8
        var offset = 0
        while offset < whole {
            state.compress(SipHash24.littleEndianWord(message, from: offset, count: 8))
            offset += 8
        }
        let tail = SipHash24.littleEndianWord(message, from: whole, count: message.count - whole)
        state.compress(tail | UInt64(truncatingIfNeeded: message.count) << 56)
        return state.finalize()
    }

    private static func littleEndianWord(_ bytes: [UInt8], from start: Int, count: Int) -> UInt64 {
        var word: UInt64 = 0
        for i in 0..<count { word |= UInt64(bytes[start + i]) << (8 * UInt64(i)) }
        return word
    }

    private struct State {
        var v0, v1, v2, v3: UInt64

        init(k0: UInt64, k1: UInt64) {
            v0 = k0 ^ 0x736f_6d65_7073_6575
            v1 = k1 ^ 0x646f_7261_6e64_6f6d
            v2 = k0 ^ 0x6c79_6765_6e65_7261
            v3 = k1 ^ 0x7465_6462_7974_6573
        }

        mutating func round() {
            v0 &+= v1; v1 = rotate(v1, 13); v1 ^= v0; v0 = rotate(v0, 32)
            v2 &+= v3; v3 = rotate(v3, 16); v3 ^= v2
            v0 &+= v3; v3 = rotate(v3, 21); v3 ^= v0
            v2 &+= v1; v1 = rotate(v1, 17); v1 ^= v2; v2 = rotate(v2, 32)
        }

        mutating func compress(_ m: UInt64) {
            v3 ^= m
            round(); round()
            v0 ^= m
        }

        mutating func finalize() -> UInt64 {
            v2 ^= 0xff
            round(); round(); round(); round()
            return v0 ^ v1 ^ v2 ^ v3
        }

        private func rotate(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }
    }
}
