// keepalived's sequence and list lines: `~SEQ(VAR, START, STEP, END) rest` and `~SEQx(...)` (hex)
// process `rest` once per value of VAR; `~LST(VAR, v1, v2)` and `~LST({A,B}, {1,2}, {3,4})` once
// per listed value or group of values.

struct SequenceLine {
    /// Each pass sets these parameters before the rest of the line is processed.
    var passes: [[(name: String, value: String)]]
    /// Index in the line where the rest begins.
    var restStart: Int
}

enum SequenceParser {
    /// The most passes one `~SEQ`/`~LST` may produce; beyond it the line is an error.
    static let maximumPasses = 100_000

    enum Failure: Error {
        case malformed(String)
        case tooMany
    }

    static func startsSequence(_ bytes: ArraySlice<UInt8>, at index: Int) -> Bool {
        let rest = bytes[index...]
        return rest.starts(with: Array("~SEQ(".utf8)) || rest.starts(with: Array("~SEQx(".utf8))
            || rest.starts(with: Array("~LST(".utf8))
    }

    static func parse(_ bytes: ArraySlice<UInt8>, at index: Int) throws(Failure) -> SequenceLine {
        let rest = bytes[index...]
        let hex = rest.starts(with: Array("~SEQx(".utf8))
        let isList = rest.starts(with: Array("~LST(".utf8))
        let open = index + (hex ? 5 : 4)
        // Find the matching ')' (braces in ~LST groups may contain commas but no parentheses).
        guard let close = bytes[open...].firstIndex(of: UInt8(ascii: ")")) else {
            throw .malformed("missing ')' to end the \(isList ? "~LST" : "~SEQ") specification")
        }
        let inner = String(decoding: bytes[(open + 1)..<close], as: UTF8.self)
        let passes = isList ? try listPasses(inner) : try sequencePasses(inner, hex: hex)
        return SequenceLine(passes: passes, restStart: close + 1)
    }

    private static func sequencePasses(_ inner: String, hex: Bool) throws(Failure) -> [[(name: String, value: String)]] {
        let parts = inner.split(separator: ",", omittingEmptySubsequences: false)
            .map { String($0).trimmed(" \t") }
        guard (2...4).contains(parts.count), isName(parts[0]) else {
            throw .malformed("~SEQ needs (VARIABLE, [START, [STEP,]] END)")
        }
        var numbers: [Int] = []
        for part in parts.dropFirst() {
            guard let number = integer(part, hex: hex) else {
                throw .malformed("'\(part)' is not a number in ~SEQ")
            }
            numbers.append(number)
        }
        let start: Int, step: Int, end: Int
        switch numbers.count {
        case 1: end = numbers[0]; start = end >= 0 ? 1 : -1; step = end >= start ? 1 : -1
        case 2: start = numbers[0]; end = numbers[1]; step = end >= start ? 1 : -1
        default: start = numbers[0]; step = numbers[1]; end = numbers[2]
        }
        guard step != 0 else { throw .malformed("~SEQ step must not be 0") }
        let count = step > 0 ? (end >= start ? (end - start) / step + 1 : 0)
                             : (start >= end ? (start - end) / -step + 1 : 0)
        guard count <= maximumPasses else { throw .tooMany }
        return (0..<count).map { n in
            let value = start + n * step
            return [(parts[0], hex ? String(value, radix: 16) : String(value))]
        }
    }

    private static func integer(_ text: String, hex: Bool) -> Int? {
        let negative = text.hasPrefix("-")
        let digits = negative ? String(text.dropFirst()) : text
        let value: Int?
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            value = Int(digits.dropFirst(2), radix: 16)
        } else {
            value = Int(digits)
        }
        guard let value, value <= 1 << 40 else { return nil }
        return negative ? -value : value
    }

    private static func listPasses(_ inner: String) throws(Failure) -> [[(name: String, value: String)]] {
        let groups = try splitGroups(inner)
        guard groups.count >= 2 else { throw .malformed("~LST needs a variable and at least one value") }
        let names = groups[0]
        guard names.allSatisfy(isName) else { throw .malformed("~LST variable names must be letters, digits and '_'") }
        guard groups.count - 1 <= maximumPasses else { throw .tooMany }
        var passes: [[(name: String, value: String)]] = []
        for group in groups.dropFirst() {
            guard group.count == names.count else {
                throw .malformed("~LST value group has \(group.count) values for \(names.count) variables")
            }
            passes.append(Array(zip(names, group)).map { (name: $0.0, value: $0.1) })
        }
        return passes
    }

    /// Splits `A, b, c` into [[A],[b],[c]] and `{A,B}, {1,2}` into [[A,B],[1,2]].
    private static func splitGroups(_ inner: String) throws(Failure) -> [[String]] {
        var groups: [[String]] = []
        var current: [String] = []
        var item = ""
        var inBraces = false
        for character in inner {
            switch character {
            case "{" where !inBraces: inBraces = true
            case "}" where inBraces:
                inBraces = false
                current.append(item.trimmed(" \t")); item = ""
            case "," where inBraces:
                current.append(item.trimmed(" \t")); item = ""
            case ",":
                if !item.trimmed(" \t").isEmpty { current.append(item.trimmed(" \t")) }
                groups.append(current); current = []; item = ""
            default: item.append(character)
            }
        }
        if inBraces { throw .malformed("missing '}' in ~LST") }
        if !item.trimmed(" \t").isEmpty { current.append(item.trimmed(" \t")) }
        groups.append(current)
        return groups
    }

    private static func isName(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, ParameterTable.isNameStart(first) else { return false }
        return bytes.allSatisfy(ParameterTable.isNameByte)
    }
}

extension String {
    /// Trims the given characters from both ends (Foundation-free).
    func trimmed(_ set: String) -> String {
        let characters = Set(set)
        var slice = self[...]
        while let first = slice.first, characters.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, characters.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
