// Text to and from the eight 16-bit groups of an IPv6 address (RFC 4291 section 2.2, RFC 5952).
import Foundation

enum IPv6TextParser {
    /// The eight groups of `text`, or nil when it is not a valid IPv6 address.
    static func groups(_ text: String) -> [UInt16]? {
        let parts = text.components(separatedBy: "::")
        switch parts.count {
        case 1:
            guard let groups = explicitGroups(parts[0], allowsIPv4Tail: true), groups.count == 8
            else { return nil }
            return groups
        case 2:
            guard let head = explicitGroups(parts[0], allowsIPv4Tail: false),
                  let tail = explicitGroups(parts[1], allowsIPv4Tail: true),
                  head.count + tail.count <= 7 else { return nil }
            return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        default:
            return nil
        }
    }

    /// Groups written out between colons ("2001:db8:1"); an empty string is no groups.
    private static func explicitGroups(_ text: String, allowsIPv4Tail: Bool) -> [UInt16]? {
        if text.isEmpty { return [] }
        let pieces = text.split(separator: ":", omittingEmptySubsequences: false)
        var groups: [UInt16] = []
        for (index, piece) in pieces.enumerated() {
            if allowsIPv4Tail && index == pieces.count - 1 && piece.contains(".") {
                guard let v4 = IPv4Address(piece) else { return nil }
                groups.append(UInt16(v4.value >> 16))
                groups.append(UInt16(truncatingIfNeeded: v4.value))
                continue
            }
            guard (1...4).contains(piece.count), piece.allSatisfy(\.isHexDigit),
                  let group = UInt16(piece, radix: 16) else { return nil }
            groups.append(group)
        }
        return groups
    }

    /// RFC 5952 text for eight groups.
    static func format(_ groups: [UInt16]) -> String {
        // The longest run of at least two zero groups; the first such run on a tie.
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < groups.count {
            guard groups[index] == 0 else { index += 1; continue }
            var end = index
            while end < groups.count && groups[end] == 0 { end += 1 }
            if end - index > bestLength {
                bestStart = index
                bestLength = end - index
            }
            index = end
        }
        let hex = groups.map { String($0, radix: 16) }
        guard bestStart >= 0 else { return hex.joined(separator: ":") }
        let head = hex[..<bestStart].joined(separator: ":")
        let tail = hex[(bestStart + bestLength)...].joined(separator: ":")
        return head + "::" + tail
    }
}
