// An independent, plain implementation of the VRRP checksum rules, used as the tests' oracle and
// to give hand-made (deliberately invalid in some other way) payloads a correct checksum.
import VRRP

enum ReferenceChecksum {
    /// RFC 1071 over `bytes` (checksum field zeroed), preceded for v3 by the pseudo-header.
    static func compute(_ message: [UInt8], v3: Bool, ip: IPHeaderAddresses) -> UInt16 {
        var data: [UInt8] = []
        if v3 {
            switch ip {
            case .ipv4(let source, let destination):
                data += source.bytes + destination.bytes
                data += [0, VRRPWire.ipProtocol, UInt8(message.count >> 8), UInt8(message.count & 0xFF)]
            case .ipv6(let source, let destination):
                data += source.bytes + destination.bytes
                data += [0, 0, UInt8(message.count >> 8), UInt8(message.count & 0xFF)]
                data += [0, 0, 0, VRRPWire.ipProtocol]
            }
        }
        var zeroed = message
        if zeroed.count >= 8 {
            zeroed[6] = 0
            zeroed[7] = 0
        }
        data += zeroed
        if data.count % 2 == 1 { data.append(0) }
        var sum: UInt32 = 0
        for index in stride(from: 0, to: data.count, by: 2) {
            sum += UInt32(data[index]) << 8 | UInt32(data[index + 1])
        }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        return ~UInt16(sum)
    }

    /// `message` with its checksum field set correctly for its version nibble.
    static func fixed(_ message: [UInt8], ip: IPHeaderAddresses) -> [UInt8] {
        var result = message
        let checksum = compute(message, v3: message[0] >> 4 == 3, ip: ip)
        result[6] = UInt8(checksum >> 8)
        result[7] = UInt8(checksum & 0xFF)
        return result
    }
}
