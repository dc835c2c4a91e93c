import Foundation
#if canImport(Glibc)
import Glibc
#endif

// enable_script_security: a script run as root must not be changeable or replaceable by anyone
// else. So the file and every directory above it must belong to root (or to the user the script
// runs as), and be writable neither by another group nor by everyone. A world-writable directory
// with the sticky bit (/tmp) is accepted, since others cannot replace entries they do not own.
public enum ScriptSecurity {
    public struct Violation: Error, Hashable, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "script security: \(path) \(reason)" }
    }

    /// Checks `program` (resolved through PATH when it has no slash) for a script run as `uid`/`gid`.
    public static func check(program: String, uid: uid_t, gid: gid_t) -> Result<String, Violation> {
        guard let resolved = resolve(program) else {
            return .failure(Violation(path: program, reason: "was not found"))
        }
        var info = stat()
        guard stat(resolved, &info) == 0 else {
            return .failure(Violation(path: resolved, reason: "cannot be read: \(String(cString: strerror(errno)))"))
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            return .failure(Violation(path: resolved, reason: "is not a regular file"))
        }
        guard info.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH) != 0 else {
            return .failure(Violation(path: resolved, reason: "is not executable"))
        }
        // The file, then each directory up to the root.
        var path = resolved
        var childIsTrusted = true
        while true {
            var entry = stat()
            guard lstat(path, &entry) == 0 else {
                return .failure(Violation(path: path, reason: "cannot be read: \(String(cString: strerror(errno)))"))
            }
            let trustedOwner = entry.st_uid == 0 || entry.st_uid == uid
            if !trustedOwner {
                return .failure(Violation(path: path, reason: "belongs to uid \(entry.st_uid)"))
            }
            let isDirectory = entry.st_mode & S_IFMT == S_IFDIR
            let sticky = isDirectory && entry.st_mode & S_ISVTX != 0
            if entry.st_mode & S_IWGRP != 0 && entry.st_gid != 0 && entry.st_gid != gid && !(sticky && childIsTrusted) {
                return .failure(Violation(path: path, reason: "is writable by group \(entry.st_gid)"))
            }
            if entry.st_mode & S_IWOTH != 0 && !(sticky && childIsTrusted) {
                return .failure(Violation(path: path, reason: "is writable by everyone"))
            }
            childIsTrusted = trustedOwner
            if path == "/" { break }
            path = (path as NSString).deletingLastPathComponent
            if path.isEmpty { path = "/" }
        }
        return .success(resolved)
    }

    /// The real path of `program`, searching PATH for a bare name.
    static func resolve(_ program: String) -> String? {
        if program.contains("/") { return realPath(program) }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(program)"
            if access(candidate, X_OK) == 0 { return realPath(candidate) }
        }
        return nil
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
