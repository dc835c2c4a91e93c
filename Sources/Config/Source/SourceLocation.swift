// Where a token came from: the file (by index into the load's file table), line and column, and how
// many bytes of the source line it covers so a diagnostic can underline it.

/// Index of a file in `SourceFiles`; a plain integer keeps tokens small and cheap to copy.
public typealias SourceFileID = Int32

public struct SourceLocation: Hashable, Sendable, Comparable {
    public var file: SourceFileID
    /// 1-based line number in `file`.
    public var line: Int32
    /// 1-based byte column in the line, as clang counts.
    public var column: Int32
    /// Bytes of the source line covered (at least 1 when rendered).
    public var length: Int32

    public init(file: SourceFileID, line: Int32, column: Int32, length: Int32) {
        self.file = file
        self.line = line
        self.column = column
        self.length = length
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }

    /// A location for things that have no token of their own (a whole file, an empty file's end).
    static func start(of file: SourceFileID) -> SourceLocation {
        SourceLocation(file: file, line: 1, column: 1, length: 0)
    }
}
