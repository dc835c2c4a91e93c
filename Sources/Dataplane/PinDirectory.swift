// The directory the data path's maps are pinned in, on a BPF file system, so that they outlive
// the process that wrote them: `xdpha attach` exits while its program keeps forwarding, and the
// next attach (or `xdpha run`) continues with the same connection table.
//
// /sys/fs/bpf is normally the host's BPF file system. Inside `ip netns exec` it is not (the
// command gets a fresh /sys): a BPF file system is mounted there then, but that mount and the
// pins in it vanish when the command's mount namespace does, that is when the command exits. To
// keep pins across commands in a network namespace, enter only the network namespace
// (`nsenter --net=/run/netns/NAME xdpha ...`), which keeps the host's /sys/fs/bpf.
import Foundation

public struct PinDirectory: Sendable, Hashable, CustomStringConvertible {
    public static let defaultPath = "/sys/fs/bpf/xdpha"

    public let path: String

    public init(_ path: String = PinDirectory.defaultPath) {
        self.path = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    public var description: String { path }

    /// Whether `path`'s closest existing ancestor (or itself) is on a BPF file system.
    public var isOnBPFFileSystem: Bool {
        PinDirectory.isBPFFileSystem(closestExisting(path))
    }

    /// Makes sure the directory exists on a BPF file system, mounting one on /sys/fs/bpf when the
    /// directory lies under it and none is mounted there. Returns a warning to show when it had
    /// to mount (the pins then last only as long as this mount namespace).
    @discardableResult
    public func prepare() throws -> String? {
        var warning: String?
        if !isOnBPFFileSystem {
            let mountPoint = "/sys/fs/bpf"
            guard path.hasPrefix(mountPoint + "/") else {
                throw PinDirectoryError(description: "\(path) is not on a BPF file system (mount one: mount -t bpf bpf DIR)")
            }
            guard mount("bpf", mountPoint, "bpf", 0, "mode=0700") == 0 else {
                throw PinDirectoryError(description: "\(mountPoint) is not a BPF file system and mounting one failed: "
                                        + String(cString: strerror(errno)))
            }
            warning = "mounted a BPF file system on \(mountPoint): inside `ip netns exec` it lasts only while this "
                + "command runs, so the pinned maps (connection table included) go when it exits; "
                + "use `nsenter --net=/run/netns/NAME xdpha ...` to keep the host's /sys/fs/bpf"
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw PinDirectoryError(description: "cannot create \(path): \(error.localizedDescription)")
        }
        return warning
    }

    /// Whether any map is pinned there.
    public var holdsPins: Bool {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).contains { $0.hasPrefix("xdpha_") }
    }

    /// Unpins every map pinned there and removes the directory. A map that a program still uses
    /// lives on in the kernel until the program goes.
    public func removePins() throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        for name in try FileManager.default.contentsOfDirectory(atPath: path) where name.hasPrefix("xdpha_") {
            guard unlink(path + "/" + name) == 0 else {
                throw PinDirectoryError(description: "cannot unpin \(path)/\(name): \(String(cString: strerror(errno)))")
            }
        }
        if rmdir(path) != 0 && errno != ENOTEMPTY {
            throw PinDirectoryError(description: "cannot remove \(path): \(String(cString: strerror(errno)))")
        }
    }

    private func closestExisting(_ path: String) -> String {
        var current = path
        while !FileManager.default.fileExists(atPath: current) && current != "/" {
            current = (current as NSString).deletingLastPathComponent
            if current.isEmpty { current = "/" }
        }
        return current
    }

    /// Whether the mount that holds `path` is a BPF file system, from /proc/self/mountinfo (the
    /// last mount on the longest matching mount point wins, as the kernel stacks them).
    static func isBPFFileSystem(_ path: String) -> Bool {
        guard let table = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return false }
        var best: (point: String, type: String)?
        for line in table.split(separator: "\n") {
            // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER
            let fields = line.split(separator: " ")
            guard fields.count > 5, let dash = fields.firstIndex(of: "-"), dash + 1 < fields.count else { continue }
            let point = String(fields[4]).replacingOccurrences(of: "\\040", with: " ")
            let covers = point == "/" || path == point || path.hasPrefix(point + "/")
            if covers && point.count >= (best?.point.count ?? 0) {
                best = (point, String(fields[dash + 1]))
            }
        }
        return best?.type == "bpf"
    }
}

public struct PinDirectoryError: Error, CustomStringConvertible, Sendable {
    public let description: String
}
