// State shared while the keyword tables turn statements into the model: the diagnostics, the
// strictness, and typed readers for argument tokens that report precisely what is wrong.

struct BuildContext {
    var log = DiagnosticLog()
    /// `--strict`: keywords accepted but not supported yet are errors rather than warnings.
    var strict = false
    var sources: SourceFiles
    var unsupported: [String] = []

    init(sources: SourceFiles, strict: Bool) {
        self.sources = sources
        self.strict = strict
    }

    // MARK: - Arguments

    /// Checks the argument count; reports a missing value at the keyword and extra ones at the first extra.
    mutating func expectArguments(_ statement: Statement, _ range: ClosedRange<Int>, what: String = "a value") -> Bool {
        let count = statement.arguments.count
        if count < range.lowerBound {
            log.error("'\(statement.keyword.text)' needs \(what)", at: statement.keyword.location)
            return false
        }
        if count > range.upperBound {
            let extra = statement.arguments[range.upperBound]
            log.error("unexpected argument '\(extra.text)' after '\(statement.keyword.text)'"
                      + (range.upperBound == 0 ? " (it takes none)" : ""), at: extra.location)
            return false
        }
        return true
    }

    /// `rangeNote` qualifies the range in the message, e.g. "255 only for the address owner".
    mutating func integer(_ token: Token, for keyword: String, in range: ClosedRange<Int>, rangeNote: String? = nil) -> Int? {
        guard let value = Self.parseInteger(token.text) else {
            log.error("'\(keyword)' needs a whole number; got '\(token.text)'", at: token.location)
            return nil
        }
        guard range.contains(value) else {
            let note = rangeNote.map { " (\($0))" } ?? ""
            log.error("'\(keyword)' must be between \(range.lowerBound) and \(range.upperBound)\(note); got \(value)", at: token.location)
            return nil
        }
        return value
    }

    /// A decimal number of seconds (or other unit), e.g. `1`, `0.5`, `4.12`.
    mutating func decimal(_ token: Token, for keyword: String, in range: ClosedRange<Double>) -> Double? {
        guard let value = Self.parseDecimal(token.text) else {
            log.error("'\(keyword)' needs a number; got '\(token.text)'", at: token.location)
            return nil
        }
        guard range.contains(value) else {
            log.error("'\(keyword)' must be between \(Self.format(range.lowerBound)) and \(Self.format(range.upperBound)); got \(token.text)",
                      at: token.location)
            return nil
        }
        return value
    }

    mutating func boolean(_ token: Token, for keyword: String) -> Bool? {
        switch token.text.lowercased() {
        case "on", "true", "yes": return true
        case "off", "false", "no": return false
        default:
            log.error("'\(keyword)' takes on|off|true|false|yes|no; got '\(token.text)'", at: token.location)
            return nil
        }
    }

    mutating func address(_ token: Token, for keyword: String) -> IPAddress? {
        guard let address = IPAddress(token.text) else {
            log.error("'\(keyword)' needs an IP address; got '\(token.text)'", at: token.location)
            return nil
        }
        return address
    }

    mutating func choice<T>(_ token: Token, for keyword: String, _ options: KeyValuePairs<String, T>) -> T? {
        if let match = options.first(where: { $0.key == token.text }) { return match.value }
        var message = "'\(keyword)' must be \(Self.alternatives(options.map(\.key))); got '\(token.text)'"
        if let match = options.first(where: { $0.key.lowercased() == token.text.lowercased() }) {
            message += " (keepalived matches '\(match.key)' exactly, case included)"
        }
        log.error(message, at: token.location)
        return nil
    }

    /// "A", "A or B", "A, B or C".
    static func alternatives(_ names: [String]) -> String {
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " or " + names.last!
    }

    // MARK: - Number syntax

    static func parseInteger(_ text: String) -> Int? {
        var bytes = Array(text.utf8)[...]
        var negative = false
        if bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") {
            negative = bytes.first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        guard !bytes.isEmpty, bytes.count <= 18, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let value = bytes.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        return negative ? -value : value
    }

    /// `[-]digits[.digits]`, no exponent, no hex: what a person writes for a time.
    static func parseDecimal(_ text: String) -> Double? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parseInteger(String(parts[0])), !parts[0].isEmpty else {
            // ".5" is accepted too.
            if parts.count == 2, parts[0].isEmpty, let fraction = parseFraction(parts[1]) { return fraction }
            return nil
        }
        guard parts.count == 2 else { return Double(whole) }
        guard let fraction = parseFraction(parts[1]) else { return nil }
        return parts[0].hasPrefix("-") ? Double(whole) - fraction : Double(whole) + fraction
    }

    private static func parseFraction(_ digits: Substring) -> Double? {
        guard !digits.isEmpty, digits.count <= 9, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        var value = 0.0, scale = 1.0
        for byte in digits.utf8 {
            scale /= 10
            value += Double(byte - 0x30) * scale
        }
        return value
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
