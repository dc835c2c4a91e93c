// IPv4 and IPv6 addresses, parsed as inet_pton(3) accepts them and printed in canonical form
// (RFC 5952 for IPv6), so that the same address written two ways compares equal.

public struct IPAddress: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    public enum Family: String, Sendable, Codable, CustomStringConvertible {
        case ipv4, ipv6
        public var description: String { self == .ipv4 ? "IPv4" : "IPv6" }
        public var maximumPrefixLength: Int { self == .ipv4 ? 32 : 128 }
    }

    public let family: Family
    /// Network-order bytes: 4 for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    public init?(_ text: some StringProtocol) {
        if let v4 = IPAddress.parseIPv4(Array(text.utf8)) {
            family = .ipv4; bytes = v4
        } else if let v6 = IPAddress.parseIPv6(Array(text.utf8)) {
            family = .ipv6; bytes = v6
        } else {
            return nil
        }
    }

    public init(ipv4 bytes: [UInt8]) {
        precondition(bytes.count == 4)
        family = .ipv4; self.bytes = bytes
    }

    public init(ipv6 bytes: [UInt8]) {
        precondition(bytes.count == 16)
        family = .ipv6; self.bytes = bytes
    }

    public var isMulticast: Bool {
        family == .ipv4 ? (bytes[0] & 0xF0) == 0xE0 : bytes[0] == 0xFF
    }

    public var isLinkLocal: Bool {
        family == .ipv4 ? (bytes[0] == 169 && bytes[1] == 254) : (bytes[0] == 0xFE && (bytes[1] & 0xC0) == 0x80)
    }

    public static func < (a: IPAddress, b: IPAddress) -> Bool {
        if a.family != b.family { return a.family == .ipv4 }
        return a.bytes.lexicographicallyPrecedes(b.bytes)
    }

    public var description: String {
        family == .ipv4 ? bytes.map(String.init).joined(separator: ".") : IPAddress.formatIPv6(bytes)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let address = IPAddress(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an IP address: \(text)"))
        }
        self = address
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    // MARK: - Parsing

    /// Four decimal parts 0...255, no leading zeros beyond a single 0 (inet_pton is that strict).
    static func parseIPv4(_ text: [UInt8]) -> [UInt8]? {
        var parts: [UInt8] = []
        var value = 0, digits = 0
        for byte in text + [UInt8(ascii: ".")] {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, parts.count < 4 else { return nil }
                parts.append(UInt8(value))
                value = 0; digits = 0
            } else if byte >= 0x30 && byte <= 0x39 {
                if digits == 1 && value == 0 { return nil }
                value = value * 10 + Int(byte - 0x30)
                digits += 1
                guard value <= 255 else { return nil }
            } else {
                return nil
            }
        }
        return parts.count == 4 ? parts : nil
    }

    static func parseIPv6(_ text: [UInt8]) -> [UInt8]? {
        guard text.count >= 2, text.count <= 45 else { return nil }
        var head: [UInt16] = [], tail: [UInt16] = []
        var sawGap = false
        var trailingIPv4: [UInt8]?
        var i = 0
        if text.starts(with: [0x3A, 0x3A]) { sawGap = true; i = 2 } else if text[0] == 0x3A { return nil }
        while i < text.count {
            // A group: up to 4 hex digits, or a final dotted IPv4.
            var end = i
            while end < text.count, text[end] != 0x3A { end += 1 }
            let group = Array(text[i..<end])
            if group.contains(0x2E) {
                guard end == text.count, let v4 = parseIPv4(group) else { return nil }
                trailingIPv4 = v4
                i = end
                break
            }
            guard (1...4).contains(group.count) else { return nil }
            var value: UInt16 = 0
            for byte in group {
                guard let digit = LineLexer.hexValue(byte) else { return nil }
                value = value << 4 | UInt16(digit)
            }
            if sawGap { tail.append(value) } else { head.append(value) }
            i = end
            if i < text.count {
                // Skip ':'; a '::' marks the gap.
                i += 1
                if i < text.count, text[i] == 0x3A {
                    guard !sawGap else { return nil }
                    sawGap = true
                    i += 1
                } else if i == text.count {
                    return nil
                }
            }
        }
        let groupsFromIPv4 = trailingIPv4 == nil ? 0 : 2
        let total = head.count + tail.count + groupsFromIPv4
        if sawGap { guard total < 8 else { return nil } } else { guard total == 8 else { return nil } }
        var groups = head + [UInt16](repeating: 0, count: 8 - total) + tail
        if let v4 = trailingIPv4 {
            groups.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
            groups.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
        }
        return groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// RFC 5952: lowercase, no leading zeros, the longest run (2+) of zero groups as `::`.
    static func formatIPv6(_ bytes: [UInt8]) -> String {
        let groups = (0..<8).map { UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]) }
        var bestStart = -1, bestLength = 0, runStart = -1
        for (index, group) in groups.enumerated() {
            if group == 0 {
                if runStart < 0 { runStart = index }
                let length = index - runStart + 1
                if length > bestLength { bestStart = runStart; bestLength = length }
            } else {
                runStart = -1
            }
        }
        if bestLength < 2 { return groups.map { String($0, radix: 16) }.joined(separator: ":") }
        let before = groups[..<bestStart].map { String($0, radix: 16) }.joined(separator: ":")
        let after = groups[(bestStart + bestLength)...].map { String($0, radix: 16) }.joined(separator: ":")
        return before + "::" + after
    }
}
