// What the loader needs from a file system: read a file, list a directory. Injected so that tests
// and the fuzzer load configurations from memory and never touch the disk.
import Foundation

public enum FileAccessError: Error, Equatable, Sendable, CustomStringConvertible {
    case notFound(String)
    case notReadable(String, reason: String)
    case isDirectory(String)

    public var description: String {
        switch self {
        case .notFound(let path): return "cannot open '\(path)': no such file"
        case .notReadable(let path, let reason): return "cannot read '\(path)': \(reason)"
        case .isDirectory(let path): return "cannot read '\(path)': it is a directory"
        }
    }
}

public protocol ConfigFileSystem: Sendable {
    /// The whole content of a file.
    func read(_ path: String) throws(FileAccessError) -> [UInt8]
    /// Names (not paths) of the entries of a directory, or nil when it is not a readable directory.
    func entries(ofDirectory path: String) -> [String]?
}

/// The real file system, through Foundation.
public struct DiskFileSystem: ConfigFileSystem {
    public init() {}

    public func read(_ path: String) throws(FileAccessError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .notFound(path)
        }
        if isDirectory.boolValue { throw .isDirectory(path) }
        // FileHandle rather than FileManager.contents: that one refuses devices and pipes
        // (/dev/null, <(...)), which are fine places to read a configuration from.
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .notReadable(path, reason: String(cString: strerror(errno)).lowercased())
        }
        defer { try? handle.close() }
        do {
            return [UInt8](try handle.readToEnd() ?? Data())
        } catch {
            throw .notReadable(path, reason: "\(error.localizedDescription)")
        }
    }

    public func entries(ofDirectory path: String) -> [String]? {
        try? FileManager.default.contentsOfDirectory(atPath: path.isEmpty ? "." : path)
    }
}

/// Files held in memory, for tests and fuzzing. Paths are compared as written after normalising.
public struct InMemoryFileSystem: ConfigFileSystem {
    public var files: [String: [UInt8]]

    public init(_ files: [String: String] = [:]) {
        self.files = files.reduce(into: [:]) { $0[PathName.normalise($1.key)] = Array($1.value.utf8) }
    }

    public func read(_ path: String) throws(FileAccessError) -> [UInt8] {
        let key = PathName.normalise(path)
        if let bytes = files[key] { return bytes }
        if entries(ofDirectory: key) != nil { throw .isDirectory(path) }
        throw .notFound(path)
    }

    public func entries(ofDirectory path: String) -> [String]? {
        let prefix = PathName.normalise(path) == "/" ? "/" : PathName.normalise(path) + "/"
        var names = Set<String>()
        for key in files.keys where key.hasPrefix(prefix) {
            let rest = key.dropFirst(prefix.count)
            if let first = rest.split(separator: "/", omittingEmptySubsequences: true).first {
                names.insert(String(first))
            }
        }
        return names.isEmpty ? nil : names.sorted()
    }
}
