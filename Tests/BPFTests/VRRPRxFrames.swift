// Builds Ethernet frames carrying VRRP adverts (v2 per RFC 3768, v3 per RFC 5798), with correct
// checksums unless a test asks for a broken one. Written for these tests only: the VRRP module
// has its own codec, which the BPF tests must not depend on.
@testable import BPF

struct VRRPAdvertFrame {
    var family: VRRPAddressFamily = .ipv4
    var version: UInt8 = 3
    var type: UInt8 = 1
    var vrid: UInt8 = 51
    var priority: UInt8 = 100
    /// v3: Max Adver Int in centiseconds; v2: Adver Int in seconds.
    var interval: UInt16 = 100
    var addresses: [[UInt8]] = [[192, 0, 2, 100]]
    /// Count IPvX Addrs as sent; nil sends the true count.
    var countField: UInt8?
    /// v2 only.
    var authType: UInt8 = 0
    var authData: [UInt8] = []
    var source: [UInt8] = [192, 0, 2, 1]
    var destination: [UInt8] = [224, 0, 0, 18]
    var ttl: UInt8 = 255
    var ipProtocol: UInt8 = 112
    var vlan: UInt16?
    var moreFragments = false
    var breakChecksum = false
    /// Bytes appended to the VRRP message inside the IP payload.
    var trailing: [UInt8] = []

    static func ipv6(vrid: UInt8 = 51, priority: UInt8 = 100) -> VRRPAdvertFrame {
        var frame = VRRPAdvertFrame()
        frame.family = .ipv6
        frame.vrid = vrid
        frame.priority = priority
        frame.source = [0xfe, 0x80] + [UInt8](repeating: 0, count: 13) + [1]
        frame.destination = [0xff, 0x02] + [UInt8](repeating: 0, count: 13) + [0x12]
        frame.addresses = [[0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [0x64]]
        return frame
    }

    static func version2(password: String? = nil, vrid: UInt8 = 52) -> VRRPAdvertFrame {
        var frame = VRRPAdvertFrame()
        frame.version = 2
        frame.vrid = vrid
        frame.interval = 1
        if let password {
            frame.authType = 1
            frame.authData = Array(password.utf8)
        }
        return frame
    }

    /// The VRRP message (header, addresses, v2 authentication data) with its checksum.
    var message: [UInt8] {
        var bytes: [UInt8] = [(version << 4) | (type & 0x0f), vrid, priority,
                              countField ?? UInt8(addresses.count)]
        if version == 2 {
            bytes += [authType, UInt8(truncatingIfNeeded: interval)]
        } else {
            bytes += [UInt8((interval >> 8) & 0x0f), UInt8(truncatingIfNeeded: interval)]
        }
        bytes += [0, 0]
        for address in addresses { bytes += address }
        if version == 2 {
            bytes += Array((authData + [UInt8](repeating: 0, count: 8)).prefix(8))
        }
        bytes += trailing
        var sum: UInt16
        if version == 3 {
            sum = InternetChecksum.compute(pseudoHeader(length: bytes.count) + bytes)
        } else {
            sum = InternetChecksum.compute(bytes)
        }
        if breakChecksum { sum ^= 0x0101 }
        bytes[6] = UInt8(sum >> 8)
        bytes[7] = UInt8(sum & 0xff)
        return bytes
    }

    private func pseudoHeader(length: Int) -> [UInt8] {
        if family == .ipv4 {
            return source + destination + [0, ipProtocol] + InternetChecksum.be16(length)
        }
        return source + destination + [0, 0] + InternetChecksum.be16(length) + [0, 0, 0, ipProtocol]
    }

    /// The whole Ethernet frame. Short IPv4 frames are padded to 60 bytes, as a NIC would.
    var bytes: [UInt8] {
        let payload = message
        var frame: [UInt8] = [0x01, 0x00, 0x5e, 0x00, 0x00, 0x12,   // destination MAC
                              0x00, 0x00, 0x5e, 0x00, 0x01, vrid]   // VRRP virtual MAC
        let etherType: UInt16 = family == .ipv4 ? 0x0800 : 0x86dd
        if let vlan {
            frame += [0x81, 0x00] + InternetChecksum.be16(Int(vlan))
        }
        frame += InternetChecksum.be16(Int(etherType))
        if family == .ipv4 {
            var ip: [UInt8] = [0x45, 0xc0] + InternetChecksum.be16(20 + payload.count) +
                [0x12, 0x34, moreFragments ? 0x20 : 0x00, 0x00, ttl, ipProtocol, 0, 0] + source + destination
            let sum = InternetChecksum.compute(ip)
            ip[10] = UInt8(sum >> 8)
            ip[11] = UInt8(sum & 0xff)
            frame += ip
        } else {
            frame += [0x60, 0, 0, 0] + InternetChecksum.be16(payload.count) + [ipProtocol, ttl] + source + destination
        }
        frame += payload
        if frame.count < 60 { frame += [UInt8](repeating: 0, count: 60 - frame.count) }
        return frame
    }

    /// Offset of the VRRP message in `bytes`.
    var vrrpOffset: Int { 14 + (vlan == nil ? 0 : 4) + (family == .ipv4 ? 20 : 40) }

    /// Offset of the IP header in `bytes`.
    var ipOffset: Int { 14 + (vlan == nil ? 0 : 4) }
}

enum InternetChecksum {
    /// RFC 1071: the one's complement of the one's complement sum of 16-bit words.
    static func compute(_ bytes: [UInt8]) -> UInt16 {
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

    static func be16(_ value: Int) -> [UInt8] { [UInt8((value >> 8) & 0xff), UInt8(value & 0xff)] }
}

extension Array where Element == UInt8 {
    /// The frame with the IPv4 total length (at `ipOffset`) rewritten and the header checksum redone.
    func withIPv4TotalLength(_ length: Int, ipOffset: Int) -> [UInt8] {
        var frame = self
        frame[ipOffset + 2] = UInt8(length >> 8)
        frame[ipOffset + 3] = UInt8(length & 0xff)
        frame[ipOffset + 10] = 0
        frame[ipOffset + 11] = 0
        let sum = InternetChecksum.compute(Array(frame[ipOffset..<(ipOffset + 20)]))
        frame[ipOffset + 10] = UInt8(sum >> 8)
        frame[ipOffset + 11] = UInt8(sum & 0xff)
        return frame
    }
}
