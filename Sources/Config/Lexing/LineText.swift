// One line of configuration text on its way to the lexer, with a way back to source columns.
// Lines read from a file are slices of the file's bytes (no copy); lines produced by parameter
// substitution are new bytes with a column for each byte.

struct LineText {
    var bytes: ArraySlice<UInt8>
    var file: SourceFileID
    var line: Int32
    /// Byte index (in `bytes`' base) of the line's first byte, when `columns` is nil.
    var lineStart: Int
    /// Per byte (indexed like the mapped bytes, which start at 0): its source column; negative when the byte came
    /// from `${_HASH}` or `${_BANG}` and must be taken literally rather than as a comment.
    var columns: [Int32]?

    init(bytes: ArraySlice<UInt8>, file: SourceFileID, line: Int32, lineStart: Int) {
        self.bytes = bytes
        self.file = file
        self.line = line
        self.lineStart = lineStart
        self.columns = nil
    }

    init(mapped bytes: [UInt8], columns: [Int32], file: SourceFileID, line: Int32) {
        self.bytes = bytes[...]
        self.file = file
        self.line = line
        self.lineStart = 0
        self.columns = columns
    }

    func column(at index: Int) -> Int32 {
        if let columns { return abs(columns[index]) }
        return Int32(index - lineStart + 1)
    }

    func isLiteral(at index: Int) -> Bool {
        guard let columns else { return false }
        return columns[index] < 0
    }

    func location(from start: Int, to end: Int) -> SourceLocation {
        let first = column(at: start)
        let last = end > start ? column(at: end - 1) : first
        return SourceLocation(file: file, line: line, column: first, length: max(1, last - first + 1))
    }

    /// The line from `index` on, keeping the column mapping.
    func suffix(from index: Int) -> LineText {
        var copy = self
        copy.bytes = bytes[index...]
        return copy
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }

    func firstNonSpace(from index: Int) -> Int {
        var i = index
        while i < bytes.endIndex, LineText.isSpace(bytes[i]) { i += 1 }
        return i
    }
}
