// The flow hash of the DR data path, written out exactly as bpf/include/dr_hash.h computes it, so
// the control plane and the tests can tell which real the program will choose for a flow: a
// multiply-xorshift over the five 64-bit words of the BPF flow key (struct xdpha_dr_flow_key:
// source[16], destination[16], ports, protocol, family, pad), loaded as the CPU loads them, with
// the fields a service does not hash on zeroed. Over the whole key it is also the connection
// table's digest of the flow.

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
    /// XDPHA_DR_CONN_SEED.
    public static let seed: UInt64 = 0x9e37_79b9_7f4a_7c15
    private static let multiplier: UInt64 = 0xff51_afd7_ed55_8ccd
    static let keySize = 40

    /// dr_flow_hash(): the hash a service that hashes on `fields` schedules the flow by.
    public static func hash(_ key: FlowKey, fields: FlowFields) -> UInt64 {
        // On the stack: the tests and the control plane predict many flows.
        withUnsafeTemporaryAllocation(byteCount: keySize, alignment: 8) { raw in
            raw.initializeMemory(as: UInt8.self, repeating: 0)
            if fields.contains(.sourceAddress) { raw.copyBytes(from: key.source.bytes) }
            if fields.contains(.destinationAddress) {
                UnsafeMutableRawBufferPointer(rebasing: raw[16..<32]).copyBytes(from: key.destination.bytes)
            }
            if fields.contains(.sourcePort) { raw.storeBytes(of: key.sourcePort.bigEndian, toByteOffset: 32, as: UInt16.self) }
            if fields.contains(.destinationPort) {
                raw.storeBytes(of: key.destinationPort.bigEndian, toByteOffset: 34, as: UInt16.self)
            }
            if fields.contains(.transportProtocol) { raw[36] = key.transport.rawValue }
            raw[37] = key.source.family.rawValue
            return hash(keyBytes: UnsafeRawBufferPointer(raw))
        }
    }

    /// dr_key_hash() over the 40 bytes of a struct xdpha_dr_flow_key; never 0.
    public static func hash(keyBytes raw: UnsafeRawBufferPointer) -> UInt64 {
        precondition(raw.count == keySize, "a flow key is \(keySize) bytes")
        var h = seed
        for word in 0..<keySize / 8 {
            h = mix(h, raw.loadUnaligned(fromByteOffset: word * 8, as: UInt64.self))
        }
        h = finish(h)
        return h == 0 ? 1 : h
    }

    /// dr_mix(): one step of the hash, a word in (also the service index's, dr_service_slot()).
    public static func mix(_ h: UInt64, _ word: UInt64) -> UInt64 {
        let mixed = (h ^ word) &* multiplier
        return mixed ^ (mixed >> 32)
    }

    /// The last step of the hash, after the words.
    public static func finish(_ h: UInt64) -> UInt64 { h &* multiplier }

    /// dr_ring_position(): the slot of an n-slot ring for `hash`.
    public static func position(_ hash: UInt64, slots: Int) -> Int {
        Int(((hash & 0xffff_ffff) &* UInt64(slots)) >> 32)
    }
}
