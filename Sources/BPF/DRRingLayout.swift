// A service's ring as the DR stage reads it (struct xdpha_dr_ring_block in xdpha_maps.h): block 0
// holds the number of slots in its first two lanes, the blocks after it the slots' real indices.
import CXDPHA

enum DRRingLayout {
    static let lanes = Int(XDPHA_DR_RING_LANES)
    static let blockSize = MemoryLayout<xdpha_dr_ring_block>.size
    /// XDPHA_DR_RING_BLOCKS (a macro Swift does not import): every ring map has this many blocks,
    /// and the kernel refuses one of another size in place of the program's template.
    static let blockCount = 1 + (Int(XDPHA_DR_RING_SLOTS) + lanes - 1) / lanes

    /// The bytes of the blocks that `ring` (real indices, one per slot) fills; the ring map's
    /// other blocks stay zero. Indices are below XDPHA_DR_MAX_REALS (DRDataPathValidation).
    static func blocks(_ ring: [UInt32]) -> [UInt8] {
        let count = 1 + (ring.count + lanes - 1) / lanes
        var bytes = [UInt8](repeating: 0, count: count * blockSize)
        bytes.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: UInt16(truncatingIfNeeded: ring.count), toByteOffset: 0, as: UInt16.self)
            raw.storeBytes(of: UInt16(truncatingIfNeeded: ring.count >> 16), toByteOffset: 2, as: UInt16.self)
            for (slot, real) in ring.enumerated() {
                raw.storeBytes(of: UInt16(truncatingIfNeeded: real), toByteOffset: blockSize + slot * 2, as: UInt16.self)
            }
        }
        return bytes
    }

    /// The number of slots that block 0 holds.
    static func slots(inHead block: xdpha_dr_ring_block) -> Int {
        withUnsafeBytes(of: block.lane) { Int($0.load(as: UInt16.self)) | Int($0.load(fromByteOffset: 2, as: UInt16.self)) << 16 }
    }
}
