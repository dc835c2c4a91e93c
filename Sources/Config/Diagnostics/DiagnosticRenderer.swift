// Renders diagnostics the way clang does:
//   keepalived.conf:12:14: error: 'priority' must be between 1 and 255 (255 only for the address owner); got 300
//       priority 300
//                ^~~

public struct DiagnosticRenderer: Sendable {
    public let sources: SourceFiles
    /// Whether to quote the source line and draw the caret under it.
    public var showsSourceLines = true

    public init(sources: SourceFiles) {
        self.sources = sources
    }

    /// The `FILE:LINE:COL: severity: message` header alone.
    public func header(_ diagnostic: Diagnostic) -> String {
        let severity = diagnostic.severity.rawValue
        guard let location = diagnostic.location else {
            return "\(diagnostic.path ?? "<input>"): \(severity): \(diagnostic.message)"
        }
        return "\(sources.path(of: location.file)):\(location.line):\(location.column): \(severity): \(diagnostic.message)"
    }

    /// The full text: header, quoted line and caret, then the notes, each line ending in "\n".
    public func render(_ diagnostic: Diagnostic) -> String {
        var out = header(diagnostic) + "\n"
        if showsSourceLines, let location = diagnostic.location,
           let line = sources.lineBytes(file: location.file, line: location.line) {
            out += quote(line: line, location: location)
        }
        for note in diagnostic.notes { out += render(note) }
        return out
    }

    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(render).joined()
    }

    private func quote(line: ArraySlice<UInt8>, location: SourceLocation) -> String {
        // Control characters would garble a terminal; show them as '?' (tabs stay, for alignment).
        let text = String(decoding: line.map { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F ? UInt8(ascii: "?") : $0 }, as: UTF8.self)
        // The caret line copies tabs from the source so it stays aligned; every other character,
        // however many bytes it takes, becomes one space.
        let prefixBytes = line.prefix(max(0, Int(location.column) - 1))
        var marker = ""
        for character in String(decoding: prefixBytes, as: UTF8.self) {
            marker.append(character == "\t" ? "\t" : " ")
        }
        let start = line.startIndex + prefixBytes.count
        let underlined = line[start..<min(line.endIndex, start + Int(max(1, location.length)))]
        let width = max(1, String(decoding: underlined, as: UTF8.self).count)
        marker += "^" + String(repeating: "~", count: width - 1)
        return "\(text)\n\(marker)\n"
    }
}
