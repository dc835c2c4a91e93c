// The text of every file a load read, kept so diagnostics can quote the offending line.

public struct SourceFiles: Sendable {
    public struct File: Sendable {
        public let path: String
        let bytes: [UInt8]
        /// Byte offset at which each line starts; `lineStarts[0] == 0`.
        let lineStarts: [Int]
    }

    public private(set) var files: [File] = []

    public init() {}

    mutating func add(path: String, bytes: [UInt8]) -> SourceFileID {
        var starts = [0]
        bytes.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count {
                if buffer[offset] == 0x0A { starts.append(offset + 1) }
                offset += 1
            }
        }
        files.append(File(path: path, bytes: bytes, lineStarts: starts))
        return SourceFileID(files.count - 1)
    }

    public func path(of file: SourceFileID) -> String {
        files.indices.contains(Int(file)) ? files[Int(file)].path : "<unknown>"
    }

    /// The bytes of a 1-based line, without its line terminator.
    func lineBytes(file: SourceFileID, line: Int32) -> ArraySlice<UInt8>? {
        guard files.indices.contains(Int(file)) else { return nil }
        let f = files[Int(file)]
        let index = Int(line) - 1
        guard f.lineStarts.indices.contains(index) else { return nil }
        let start = f.lineStarts[index]
        var end = index + 1 < f.lineStarts.count ? f.lineStarts[index + 1] - 1 : f.bytes.count
        if end > start, f.bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return f.bytes[start..<max(start, end)]
    }
}
