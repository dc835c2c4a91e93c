// ICMP echo request/reply (RFC 792; ICMPv6 RFC 4443) for PING_CHECK: build a request and
// recognise the matching reply. Pure; the socket lives in ICMPSocket.
public enum ICMPEcho {
    public static let requestV4: UInt8 = 8
    public static let replyV4: UInt8 = 0
    public static let requestV6: UInt8 = 128
    public static let replyV6: UInt8 = 129

    /// An echo request; the checksum is filled for ICMPv4 (the kernel fills ICMPv6's).
    public static func request(v6: Bool, identifier: UInt16, sequence: UInt16, payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [v6 ? requestV6 : requestV4, 0, 0, 0,
                              UInt8(identifier >> 8), UInt8(identifier & 0xff),
                              UInt8(sequence >> 8), UInt8(sequence & 0xff)] + payload
        if !v6 {
            let sum = checksum(bytes)
            bytes[2] = UInt8(sum >> 8)
            bytes[3] = UInt8(sum & 0xff)
        }
        return bytes
    }

    /// A parsed echo reply: identifier and sequence, or nil for anything else.
    public struct Reply: Sendable, Hashable {
        public var identifier: UInt16
        public var sequence: UInt16
    }

    /// `message` starts at the ICMP header. With a raw IPv4 socket pass `stripIPv4Header` first.
    public static func parseReply(_ message: ArraySlice<UInt8>, v6: Bool) -> Reply? {
        guard message.count >= 8 else { return nil }
        let start = message.startIndex
        guard message[start] == (v6 ? replyV6 : replyV4), message[start + 1] == 0 else { return nil }
        return Reply(identifier: UInt16(message[start + 4]) << 8 | UInt16(message[start + 5]),
                     sequence: UInt16(message[start + 6]) << 8 | UInt16(message[start + 7]))
    }

    /// A raw IPv4 socket delivers the IP header too; its length is in the low nibble (IHL).
    public static func stripIPv4Header(_ packet: [UInt8]) -> ArraySlice<UInt8>? {
        guard let first = packet.first, first >> 4 == 4 else { return nil }
        let headerLength = Int(first & 0x0f) * 4
        guard headerLength >= 20, packet.count >= headerLength else { return nil }
        return packet[headerLength...]
    }

    /// The Internet checksum (RFC 1071).
    public static func checksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var index = 0
        while index + 1 < bytes.count {
            sum += UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1])
            index += 2
        }
        if index < bytes.count { sum += UInt32(bytes[index]) << 8 }
        while sum >> 16 != 0 { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }
}
