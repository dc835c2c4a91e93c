// Splits one line into tokens as keepalived reads it: whitespace separates words; `#` and `!`
// start a comment anywhere outside quotes; `{` and `}` are tokens of their own; "..." and '...'
// keep whitespace and decode shell-like escapes, and may join with unquoted text around them.

enum LineLexer {
    private static let hash = UInt8(ascii: "#"), bang = UInt8(ascii: "!")
    private static let open = UInt8(ascii: "{"), close = UInt8(ascii: "}")
    private static let dollar = UInt8(ascii: "$"), backslash = UInt8(ascii: "\\")
    private static let doubleQuote = UInt8(ascii: "\""), singleQuote = UInt8(ascii: "'")

    /// Appends the line's tokens (without a line end) to `tokens`.
    static func tokenize(_ line: LineText, into tokens: inout [Token], log: inout DiagnosticLog, bracesAreText: Bool = false) {
        let bytes = line.bytes
        var i = bytes.startIndex
        while true {
            i = line.firstNonSpace(from: i)
            guard i < bytes.endIndex else { return }
            let byte = bytes[i]
            let literal = line.isLiteral(at: i)
            if !literal && (byte == hash || byte == bang) { return }
            if !literal && !bracesAreText && (byte == open || byte == close) {
                tokens.append(Token(kind: byte == open ? .openBrace : .closeBrace,
                                    text: byte == open ? "{" : "}",
                                    location: line.location(from: i, to: i + 1)))
                i += 1
                continue
            }
            let start = i
            // Most words are plain: no quotes, no `${...}`, nothing substituted. Take those as a
            // slice of the line, without building them byte by byte.
            var end = i
            while end < bytes.endIndex, isPlain(bytes[end]), !line.isLiteral(at: end) { end += 1 }
            if end > start, end == bytes.endIndex
                || (!line.isLiteral(at: end) && endsPlainWord(bytes[end], after: bytes[end - 1], bracesAreText: bracesAreText)) {
                tokens.append(Token(kind: .word, text: String(decoding: bytes[start..<end], as: UTF8.self),
                                    location: line.location(from: start, to: end)))
                i = end
                continue
            }
            var text: [UInt8] = []
            var quoted = false
            var parameterBraces = 0
            scan: while i < bytes.endIndex {
                let b = bytes[i]
                let isLiteral = line.isLiteral(at: i)
                if isLiteral { text.append(b); i += 1; continue }
                switch b {
                case doubleQuote, singleQuote:
                    quoted = true
                    i = readQuoted(line, from: i, into: &text, log: &log)
                case hash, bang:
                    break scan
                case open where i > start && bytes[i - 1] == dollar:
                    // An undefined `${NAME}` stays in the text, as keepalived leaves it.
                    parameterBraces += 1
                    text.append(b); i += 1
                case close where parameterBraces > 0:
                    parameterBraces -= 1
                    text.append(b); i += 1
                case open, close:
                    if bracesAreText { text.append(b); i += 1 } else { break scan }
                default:
                    if LineText.isSpace(b) { break scan }
                    text.append(b); i += 1
                }
            }
            tokens.append(Token(kind: .word, text: String(decoding: text, as: UTF8.self),
                                location: line.location(from: start, to: i), quoted: quoted))
        }
    }

    private static func isPlain(_ b: UInt8) -> Bool {
        !(LineText.isSpace(b) || b == doubleQuote || b == singleQuote || b == hash || b == bang || b == open || b == close)
    }

    /// Whether the byte that stopped a plain scan ends the word there (rather than needing the
    /// full reader: a quote, a literal byte, `${`, or a brace kept as text).
    private static func endsPlainWord(_ b: UInt8, after previous: UInt8, bracesAreText: Bool) -> Bool {
        if LineText.isSpace(b) || b == hash || b == bang { return true }
        if b == open || b == close { return !bracesAreText && !(b == open && previous == dollar) }
        return false
    }

    /// Reads a quoted section starting at the quote at `start`; returns the index after the
    /// closing quote (or the line end, with an error, when there is none).
    private static func readQuoted(_ line: LineText, from start: Int, into text: inout [UInt8],
                                   log: inout DiagnosticLog) -> Int {
        let bytes = line.bytes
        let quote = bytes[start]
        var i = start + 1
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == quote && !line.isLiteral(at: i) { return i + 1 }
            if b == backslash, i + 1 < bytes.endIndex {
                i = decodeEscape(bytes, at: i + 1, into: &text)
                continue
            }
            text.append(b)
            i += 1
        }
        log.error("missing terminating \(quote == doubleQuote ? "\"" : "'") character",
                  at: line.location(from: start, to: start + 1))
        return i
    }

    /// Decodes the escape whose letter is at `index` (after the backslash); returns the index after it.
    private static func decodeEscape(_ bytes: ArraySlice<UInt8>, at index: Int, into text: inout [UInt8]) -> Int {
        let c = bytes[index]
        switch c {
        case UInt8(ascii: "a"): text.append(0x07)
        case UInt8(ascii: "b"): text.append(0x08)
        case UInt8(ascii: "E"): text.append(0x1B)
        case UInt8(ascii: "f"): text.append(0x0C)
        case UInt8(ascii: "n"): text.append(0x0A)
        case UInt8(ascii: "r"): text.append(0x0D)
        case UInt8(ascii: "t"): text.append(0x09)
        case UInt8(ascii: "v"): text.append(0x0B)
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            var value = 0, i = index
            while i < bytes.endIndex, i < index + 3, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(bytes[i]) {
                value = value * 8 + Int(bytes[i] - UInt8(ascii: "0"))
                i += 1
            }
            text.append(UInt8(truncatingIfNeeded: value))
            return i
        case UInt8(ascii: "x"):
            var value = 0, i = index + 1
            while i < bytes.endIndex, i < index + 3, let digit = hexValue(bytes[i]) {
                value = value * 16 + digit
                i += 1
            }
            if i == index + 1 { text.append(c); return index + 1 }
            text.append(UInt8(truncatingIfNeeded: value))
            return i
        case UInt8(ascii: "c") where index + 1 < bytes.endIndex:
            text.append(bytes[index + 1] & 0x1F)
            return index + 2
        default:
            text.append(c)
        }
        return index + 1
    }

    static func hexValue(_ b: UInt8) -> Int? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(b - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(b - UInt8(ascii: "A")) + 10
        default: return nil
        }
    }
}
