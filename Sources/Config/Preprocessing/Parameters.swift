// keepalived's parameter substitution: `$NAME=VALUE` defines, `$NAME` (followed by whitespace or
// the line end) and `${NAME}` are replaced by the value, recursively, at the time of use.
// Undefined names stay as written. Predefined: _PWD, _INSTANCE, _RANDOM [MIN [MAX]], _HASH, _BANG.
import SeededRandom

struct ParameterTable {
    struct Definition {
        var value: [UInt8]
        var location: SourceLocation
    }

    private(set) var definitions: [String: Definition] = [:]
    var configID: String?
    var currentDirectory = "."
    var random: SplitMix64

    /// Nested replacements beyond this depth mean a definition refers to itself.
    static let maximumDepth = 32
    /// A line that grows beyond this many bytes by substitution is rejected.
    static let maximumLineLength = 1 << 16

    init(configID: String?, seed: UInt64) {
        self.configID = configID
        self.random = SplitMix64(seed: seed)
    }

    mutating func define(_ name: String, value: [UInt8], at location: SourceLocation) {
        definitions[name] = Definition(value: value, location: location)
    }

    static func isNameStart(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
    }

    static func isNameByte(_ b: UInt8) -> Bool {
        isNameStart(b) || (b >= 0x30 && b <= 0x39)
    }

    enum SubstitutionError: Error {
        case tooDeep(name: String)
        case tooLong
    }

    /// Replaces references in `line`. Returns nil when nothing was replaced (the common case, and
    /// then the line is used as it is). Bytes that come from a value take the column of its `$`.
    mutating func substitute(_ line: LineText) throws(SubstitutionError) -> LineText? {
        guard line.bytes.contains(UInt8(ascii: "$")) else { return nil }
        var out: [UInt8] = []
        var columns: [Int32] = []
        var changed = false
        var i = line.bytes.startIndex
        while i < line.bytes.endIndex {
            let b = line.bytes[i]
            if b == UInt8(ascii: "$"), let (value, end) = try reference(in: line.bytes, at: i, depth: 0) {
                let column = line.column(at: i)
                out.append(contentsOf: value.bytes)
                for index in value.bytes.indices {
                    columns.append(value.literal.contains(index) ? -column : column)
                }
                changed = true
                i = end
            } else {
                out.append(b)
                columns.append(line.isLiteral(at: i) ? -line.column(at: i) : line.column(at: i))
                i += 1
            }
            if out.count > Self.maximumLineLength { throw .tooLong }
        }
        guard changed else { return nil }
        return LineText(mapped: out, columns: columns, file: line.file, line: line.line)
    }

    /// Expanded value bytes, with the offsets that must be taken literally (from _HASH and _BANG).
    struct Expansion {
        var bytes: [UInt8] = []
        var literal: Set<Int> = []
    }

    /// If a defined reference starts at `start` (a `$`), its expansion and the index after it.
    private mutating func reference(in bytes: ArraySlice<UInt8>, at start: Int, depth: Int)
        throws(SubstitutionError) -> (Expansion, Int)? {
        var i = start + 1
        guard i < bytes.endIndex else { return nil }
        let name: String
        var arguments: [String] = []
        if bytes[i] == UInt8(ascii: "{") {
            guard let close = bytes[i...].firstIndex(of: UInt8(ascii: "}")) else { return nil }
            let inner = String(decoding: bytes[(i + 1)..<close], as: UTF8.self)
            let words = inner.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard let first = words.first else { return nil }
            name = first
            arguments = Array(words.dropFirst())
            i = close + 1
        } else {
            guard Self.isNameStart(bytes[i]) else { return nil }
            var end = i
            while end < bytes.endIndex, Self.isNameByte(bytes[end]) { end += 1 }
            // Without braces the name must be followed by whitespace or the end of the line.
            if end < bytes.endIndex, !LineText.isSpace(bytes[end]) { return nil }
            name = String(decoding: bytes[i..<end], as: UTF8.self)
            i = end
        }
        guard let expansion = try value(of: name, arguments: arguments, depth: depth) else { return nil }
        return (expansion, i)
    }

    private mutating func value(of name: String, arguments: [String], depth: Int) throws(SubstitutionError) -> Expansion? {
        if let predefined = predefinedValue(name, arguments: arguments) { return predefined }
        guard arguments.isEmpty, let definition = definitions[name] else { return nil }
        guard depth < Self.maximumDepth else { throw .tooDeep(name: name) }
        // A multi-line value is inserted as written: its lines are processed one by one later, so
        // that definitions inside it take effect before the lines after them are substituted.
        if definition.value.contains(UInt8(ascii: "\n")) { return Expansion(bytes: definition.value) }
        var expansion = Expansion()
        var i = definition.value.startIndex
        let bytes = definition.value[...]
        while i < bytes.endIndex {
            if bytes[i] == UInt8(ascii: "$"), let (inner, end) = try reference(in: bytes, at: i, depth: depth + 1) {
                let offset = expansion.bytes.count
                expansion.bytes.append(contentsOf: inner.bytes)
                expansion.literal.formUnion(inner.literal.map { $0 + offset })
                i = end
            } else {
                expansion.bytes.append(bytes[i])
                i += 1
            }
            if expansion.bytes.count > Self.maximumLineLength { throw .tooLong }
        }
        return expansion
    }

    private mutating func predefinedValue(_ name: String, arguments: [String]) -> Expansion? {
        switch name {
        case "_PWD": return Expansion(bytes: Array(currentDirectory.utf8))
        case "_INSTANCE": return Expansion(bytes: Array((configID ?? "").utf8))
        case "_HASH": return Expansion(bytes: [UInt8(ascii: "#")], literal: [0])
        case "_BANG": return Expansion(bytes: [UInt8(ascii: "!")], literal: [0])
        case "_RANDOM":
            let minimum = arguments.count > 0 ? UInt64(arguments[0]) ?? 0 : 0
            let maximum = arguments.count > 1 ? UInt64(arguments[1]) ?? 32767 : 32767
            guard minimum <= maximum else { return Expansion(bytes: Array(String(minimum).utf8)) }
            let span = maximum - minimum
            let value = span == .max ? random.next() : minimum + random.next() % (span + 1)
            return Expansion(bytes: Array(String(value).utf8))
        default: return nil
        }
    }
}

