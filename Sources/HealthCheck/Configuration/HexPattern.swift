// UDP_CHECK's HEX_STR (keepalived.conf(5)): hex digits in free format, where a space ends a byte
// early ("Ab12f 3 456" is AB 12 0F 03 45 06), and in `require_reply` an X stands for a nibble
// that may hold anything.
public struct HexPattern: Sendable, Hashable {
    /// One byte of the pattern: the bits that must match and their value.
    public struct Byte: Sendable, Hashable {
        public var value: UInt8
        public var mask: UInt8
    }

    public private(set) var bytes: [Byte]

    public init(bytes: [Byte]) { self.bytes = bytes }

    /// An empty pattern: a reply is required but its content is not checked.
    public static let anyReply = HexPattern(bytes: [])

    public init(parsing text: String, allowWildcards: Bool = true) throws(HexPatternError) {
        var bytes: [Byte] = []
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            var nibbles: [(value: UInt8, mask: UInt8)] = []
            for character in word {
                if let digit = character.hexDigitValue {
                    nibbles.append((UInt8(digit), 0xF))
                } else if allowWildcards && (character == "x" || character == "X") {
                    nibbles.append((0, 0))
                } else {
                    throw HexPatternError(text: text, character: character)
                }
            }
            // Pairs from the left; an odd digit at the end of a word is a byte of its own.
            var index = 0
            while index < nibbles.count {
                if index + 1 < nibbles.count {
                    let high = nibbles[index], low = nibbles[index + 1]
                    bytes.append(Byte(value: high.value << 4 | low.value, mask: high.mask << 4 | low.mask))
                    index += 2
                } else {
                    bytes.append(Byte(value: nibbles[index].value, mask: nibbles[index].mask))
                    index += 1
                }
            }
        }
        self.bytes = bytes
    }

    /// The literal bytes (for `payload`, which has no wildcards).
    public var literalBytes: [UInt8] { bytes.map(\.value) }

    /// keepalived compares up to the shorter of the reply and the pattern.
    public func matches(_ reply: [UInt8]) -> Bool {
        for (byte, pattern) in zip(reply, bytes) where byte & pattern.mask != pattern.value & pattern.mask {
            return false
        }
        return true
    }
}

public struct HexPatternError: Error, Equatable, CustomStringConvertible {
    public let text: String
    public let character: Character
    public var description: String { "'\(character)' is not a hex digit in '\(text)'" }
}
