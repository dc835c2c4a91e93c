// The Internet checksum (RFC 1071): the one's complement of the one's complement sum of 16-bit
// words. VRRPv2 sums the VRRP message alone (RFC 3768 section 5.3.8); VRRPv3 adds the IP
// pseudo-header first (RFC 5798 section 5.2.8).

struct InternetChecksum {
    /// Carries are folded once at the end; a UInt64 cannot overflow for any packet VRRP sees.
    private var sum: UInt64 = 0

    /// Adds bytes as big-endian 16-bit words; an odd final byte is padded with a zero byte.
    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
        var index = 0
        let pairs = bytes.count & ~1
        while index < pairs {
            sum &+= UInt64(bytes[index]) << 8 | UInt64(bytes[index + 1])
            index += 2
        }
        if index < bytes.count { sum &+= UInt64(bytes[index]) << 8 }
    }

    mutating func add(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { add($0) }
    }

    mutating func add(word: UInt16) { sum &+= UInt64(word) }

    mutating func add(doubleWord: UInt32) {
        sum &+= UInt64(doubleWord >> 16) &+ UInt64(doubleWord & 0xFFFF)
    }

    /// The value to place in the checksum field (the field itself summed as zero).
    var checksum: UInt16 {
        var folded = sum
        while folded > 0xFFFF { folded = (folded & 0xFFFF) &+ (folded >> 16) }
        return ~UInt16(folded)
    }
}
