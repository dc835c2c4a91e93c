// Builds the frames the DR stage fixtures send: Ethernet (with optional 802.1Q/802.1ad tags),
// IPv4 or IPv6 (optionally with options, extension headers or as a fragment), and TCP, UDP or
// ICMP. Checksums are left zero except IPv4's header checksum: the stage reads none of them.
import Balancer

struct DRFrame {
    enum Transport {
        case tcp(flags: UInt8)
        case udp
        case icmp
    }

    static let syn: UInt8 = 0x02
    static let ack: UInt8 = 0x10

    var destinationMAC: [UInt8] = [0x02, 0xd1, 0, 0, 0, 0x01]   // the director
    var sourceMAC: [UInt8] = [0x02, 0xc1, 0, 0, 0, 0x01]        // the client's router
    var vlanTags: [UInt16] = []                                 // outermost first
    var source: IPAddress
    var destination: IPAddress
    var transport: Transport = .tcp(flags: DRFrame.syn)
    var sourcePort: UInt16 = 40000
    var destinationPort: UInt16 = 80
    var payload: [UInt8] = Array("GET / HTTP/1.0\r\n\r\n".utf8)
    /// IPv4 options (padded to a multiple of 4 bytes).
    var ipv4Options: [UInt8] = []
    /// IPv4: the fragment offset in 8-byte units and the more-fragments flag.
    var fragment: (offset: UInt16, more: Bool)?
    /// IPv6: one extension header of this type (0 hop-by-hop, 44 fragment, 60 destination options).
    var ipv6ExtensionHeader: UInt8?

    init(from source: String, to destination: String) {
        self.source = IPAddress(source)!
        self.destination = IPAddress(destination)!
    }

    var flow: FlowKey {
        FlowKey(source: source, destination: destination, sourcePort: sourcePort, destinationPort: destinationPort,
                transport: { if case .udp = transport { return .udp } else { return .tcp } }())
    }

    /// The frame, and the offsets where each header starts (for truncation tests).
    func build() -> (bytes: [UInt8], boundaries: [Int]) {
        var frame = destinationMAC + sourceMAC
        var boundaries: [Int] = []
        let etherType: UInt16 = source.family == .ipv4 ? 0x0800 : 0x86DD
        for (position, tag) in vlanTags.enumerated() {
            frame += be16(position == 0 && vlanTags.count > 1 ? 0x88A8 : 0x8100)
            boundaries.append(frame.count)
            frame += be16(tag)
        }
        frame += be16(etherType)
        boundaries.append(frame.count)
        let l4 = transportHeader() + payload
        frame += source.family == .ipv4 ? ipv4Header(payloadLength: l4.count) : ipv6Header(payload: l4)
        boundaries.append(frame.count)
        frame += l4
        boundaries.append(frame.count - payload.count)
        return (frame, boundaries)
    }

    var bytes: [UInt8] { build().bytes }

    private var ipProtocol: UInt8 {
        switch transport {
        case .tcp: return 6
        case .udp: return 17
        case .icmp: return source.family == .ipv4 ? 1 : 58
        }
    }

    private func transportHeader() -> [UInt8] {
        switch transport {
        case .tcp(let flags):
            return be16(sourcePort) + be16(destinationPort) + be32(1000) + be32(0)
                + [0x50, flags] + be16(64240) + be16(0) + be16(0)
        case .udp:
            return be16(sourcePort) + be16(destinationPort) + be16(UInt16(8 + payload.count)) + be16(0)
        case .icmp:
            return [8, 0] + be16(0) + be16(1) + be16(1)
        }
    }

    private func ipv4Header(payloadLength: Int) -> [UInt8] {
        var options = ipv4Options
        while options.count % 4 != 0 { options.append(0) }
        let headerLength = 20 + options.count
        var flagsAndOffset: UInt16 = 0x4000   // don't fragment
        if let fragment { flagsAndOffset = (fragment.more ? 0x2000 : 0) | fragment.offset }
        var header: [UInt8] = [0x40 | UInt8(headerLength / 4), 0] + be16(UInt16(headerLength + payloadLength))
            + be16(0x1234) + be16(flagsAndOffset) + [64, ipProtocol] + be16(0) + source.bytes + destination.bytes
        header += options
        let sum = checksum(header)
        header[10] = UInt8(sum >> 8)
        header[11] = UInt8(sum & 0xFF)
        return header
    }

    private func ipv6Header(payload: [UInt8]) -> [UInt8] {
        var extensionHeader: [UInt8] = []
        var next = ipProtocol
        if let type = ipv6ExtensionHeader {
            // 8 bytes: next header, length (0 = 8 bytes), then padding or fragment fields.
            extensionHeader = [ipProtocol, 0, 0, 0, 0, 0, 0, 0]
            if type == 44 { extensionHeader = [ipProtocol, 0] + be16(1) + be32(0x42) }  // offset 0, more
            next = type
        }
        return [0x60, 0, 0, 0] + be16(UInt16(extensionHeader.count + payload.count)) + [next, 64]
            + source.bytes + destination.bytes + extensionHeader
    }

    private func checksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        for i in stride(from: 0, to: bytes.count, by: 2) {
            sum += UInt32(bytes[i]) << 8 | UInt32(i + 1 < bytes.count ? bytes[i + 1] : 0)
        }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        return ~UInt16(sum)
    }
}

func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
func be32(_ value: UInt32) -> [UInt8] { be16(UInt16(value >> 16)) + be16(UInt16(value & 0xFFFF)) }
