// RFC 1071's ones' complement sum, as ICMPv6 uses it over its pseudo-header and message.

struct InternetChecksum {
    private var sum: UInt32 = 0
    private var pendingByte: UInt8?

    mutating func add(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            if let high = pendingByte {
                sum += UInt32(high) << 8 | UInt32(byte)
                pendingByte = nil
            } else {
                pendingByte = byte
            }
        }
    }

    /// The checksum to write into the header.
    var value: UInt16 {
        var total = sum
        if let high = pendingByte { total += UInt32(high) << 8 }
        while total > 0xFFFF { total = (total & 0xFFFF) + (total >> 16) }
        return ~UInt16(total)
    }
}
