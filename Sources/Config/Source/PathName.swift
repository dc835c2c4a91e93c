// Path arithmetic on strings (no file system): directory of a file, joining, normalising.

enum PathName {
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    static func join(_ directory: String, _ name: String) -> String {
        if name.hasPrefix("/") { return name }
        if directory.isEmpty || directory == "." { return name }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// Removes `.` components, resolves `..` where possible and collapses repeated slashes, so
    /// the same file reached by two spellings is recognised (include cycles, duplicate includes).
    /// No empty, "." or ".." component: nothing to normalise.
    private static func isNormal(_ path: String) -> Bool {
        var previous: UInt8 = UInt8(ascii: "/")
        var sawByte = false
        for byte in path.utf8 {
            if byte == UInt8(ascii: "/") && previous == UInt8(ascii: "/") && sawByte { return false }
            if byte == UInt8(ascii: ".") && previous == UInt8(ascii: "/") { return false }
            previous = byte
            sawByte = true
        }
        return sawByte && previous != UInt8(ascii: "/")
    }

    static func normalise(_ path: String) -> String {
        // Most paths need nothing; say so without splitting them.
        if isNormal(path) { return path }
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            if part == "..", absolute { continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
