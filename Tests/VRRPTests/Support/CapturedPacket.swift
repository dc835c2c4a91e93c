// Reads a captured IP packet (the golden files) into what a receiver learns from the IP layer:
// source, destination, TTL/hop limit and the VRRP payload.
import Foundation
import VRRP

struct CapturedPacket {
    var header: ReceivedPacketHeader
    var payload: [UInt8]
    /// The IP header bytes, so a test can rebuild the packet byte for byte.
    var ipHeader: [UInt8]

    enum ParseError: Error { case notVRRP(String) }

    init(ipPacket bytes: [UInt8]) throws {
        guard let first = bytes.first else { throw ParseError.notVRRP("empty") }
        switch first >> 4 {
        case 4:
            let headerLength = Int(first & 0x0F) * 4
            let totalLength = Int(bytes[2]) << 8 | Int(bytes[3])
            guard bytes[9] == VRRPWire.ipProtocol, totalLength == bytes.count else {
                throw ParseError.notVRRP("IPv4 protocol \(bytes[9]), length \(totalLength)")
            }
            let source = IPv4Address(bytes[12], bytes[13], bytes[14], bytes[15])
            let destination = IPv4Address(bytes[16], bytes[17], bytes[18], bytes[19])
            header = ReceivedPacketHeader(addresses: .ipv4(source: source, destination: destination),
                                          hopLimit: bytes[8])
            ipHeader = Array(bytes[..<headerLength])
            payload = Array(bytes[headerLength...])
        case 6:
            let payloadLength = Int(bytes[4]) << 8 | Int(bytes[5])
            guard bytes[6] == VRRPWire.ipProtocol, payloadLength + 40 == bytes.count,
                  let source = IPv6Address(bytes: bytes[8..<24]),
                  let destination = IPv6Address(bytes: bytes[24..<40]) else {
                throw ParseError.notVRRP("IPv6 next header \(bytes[6])")
            }
            header = ReceivedPacketHeader(addresses: .ipv6(source: source, destination: destination),
                                          hopLimit: bytes[7])
            ipHeader = Array(bytes[..<40])
            payload = Array(bytes[40...])
        default:
            throw ParseError.notVRRP("IP version \(first >> 4)")
        }
    }
}

enum Golden {
    static let names = ["v2-pass-ipv4", "v2-pass-ipv4-priority0", "v3-ipv4", "v3-ipv4-priority0",
                        "v3-ipv6", "v3-ipv6-priority0"]

    static func packet(_ name: String) throws -> CapturedPacket {
        guard let url = Bundle.module.url(forResource: name, withExtension: "hex",
                                          subdirectory: "Golden") else {
            throw CapturedPacket.ParseError.notVRRP("no golden file \(name).hex")
        }
        return try CapturedPacket(ipPacket: bytes(fromHex: String(contentsOf: url, encoding: .utf8)))
    }

    static func all() throws -> [(name: String, packet: CapturedPacket)] {
        try names.map { ($0, try packet($0)) }
    }
}
