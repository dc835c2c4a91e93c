// The flow hash of the DR data path, written out exactly as bpf/include/dr_hash.h computes it, so
// the control plane and the tests can tell which real the program will choose for a flow.
// MurmurHash3's 32-bit block mixing and finaliser over the ten big-endian words of the BPF flow
// key (source[4], destination[4], ports, protocol/family), fields not hashed taken as zero.

public struct FlowKey: Hashable, Sendable {
    public let source: IPAddress
    public let destination: IPAddress
    public let sourcePort: UInt16
    public let destinationPort: UInt16
    public let transport: TransportProtocol

    public init(source: IPAddress, destination: IPAddress, sourcePort: UInt16, destinationPort: UInt16,
                transport: TransportProtocol) {
        self.source = source
        self.destination = destination
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.transport = transport
    }
}

public enum FlowHash {
    /// XDPHA_DR_HASH_SEED.
    public static let seed: UInt32 = 0x7864_7061

    public static func hash(_ key: FlowKey, fields: FlowFields) -> UInt32 {
        var h = seed
        h = mixAddress(h, fields.contains(.sourceAddress) ? key.source.bytes : [])
        h = mixAddress(h, fields.contains(.destinationAddress) ? key.destination.bytes : [])
        let sourcePort = fields.contains(.sourcePort) ? UInt32(key.sourcePort) : 0
        let destinationPort = fields.contains(.destinationPort) ? UInt32(key.destinationPort) : 0
        h = mix(h, sourcePort << 16 | destinationPort)
        let proto = fields.contains(.transportProtocol) ? UInt32(key.transport.rawValue) : 0
        h = mix(h, proto << 24 | UInt32(key.source.family.rawValue) << 16)
        return finish(h, length: 40)
    }

    /// The four words of a BPF address field: the address's bytes big-endian, then zeros.
    private static func mixAddress(_ h: UInt32, _ bytes: [UInt8]) -> UInt32 {
        var h = h
        for word in 0..<4 {
            let offset = word * 4
            h = mix(h, offset + 4 <= bytes.count
                ? UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
                    | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
                : 0)
        }
        return h
    }

    private static func rotate(_ x: UInt32, _ r: UInt32) -> UInt32 { (x << r) | (x >> (32 - r)) }

    private static func mix(_ h: UInt32, _ word: UInt32) -> UInt32 {
        var k = word &* 0xcc9e_2d51
        k = rotate(k, 15)
        k = k &* 0x1b87_3593
        var h = h ^ k
        h = rotate(h, 13)
        return h &* 5 &+ 0xe654_6b64
    }

    private static func finish(_ h: UInt32, length: UInt32) -> UInt32 {
        var h = h ^ length
        h ^= h >> 16
        h = h &* 0x85eb_ca6b
        h ^= h >> 13
        h = h &* 0xc2b2_ae35
        h ^= h >> 16
        return h
    }
}
