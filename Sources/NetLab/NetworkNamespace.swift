// One network namespace of a lab: a named host that runs commands and holds links and addresses.
import CLinux
import Foundation

public struct NetworkNamespace: Sendable, Hashable, CustomStringConvertible {
    /// The name under /run/netns.
    public let name: String
    public var description: String { name }

    public init(name: String) { self.name = name }

    /// Runs a command inside this namespace and returns its output; throws when it fails.
    @discardableResult
    public func run(_ arguments: String..., check: Bool = true) throws -> CommandResult {
        try run(arguments, check: check)
    }

    @discardableResult
    public func run(_ arguments: [String], check: Bool = true) throws -> CommandResult {
        try Command.run(["ip", "netns", "exec", name] + arguments, check: check)
    }

    /// Runs a shell snippet inside this namespace.
    @discardableResult
    public func shell(_ script: String, check: Bool = true) throws -> CommandResult {
        try run(["sh", "-c", script], check: check)
    }

    public func addAddress(_ cidr: String, dev: String) throws {
        guard AddressPolicy.isLabAddress(cidr) else { throw LabAddressError(address: cidr) }
        if cidr.contains(":") {
            try run("ip", "-6", "addr", "add", cidr, "dev", dev, "nodad")
        } else {
            try run("ip", "-4", "addr", "add", cidr, "dev", dev)
        }
    }

    public func up(_ dev: String) throws {
        try run("ip", "link", "set", dev, "up")
    }

    public func sysctl(_ key: String, _ value: String) throws {
        try run("sysctl", "-qw", "\(key)=\(value)")
    }

    /// The interface index of `dev` inside this namespace.
    public func ifindex(_ dev: String) throws -> Int32 {
        let out = try run("cat", "/sys/class/net/\(dev)/ifindex").output
        guard let index = Int32(out.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw CommandError(command: ["ifindex", dev], status: 1, output: out)
        }
        return index
    }

    public func mac(_ dev: String) throws -> String {
        try run("cat", "/sys/class/net/\(dev)/address").output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `body` on a thread of its own that has entered this namespace, so that netlink
    /// sockets it opens (libbpf's XDP attach, libnl) talk to this namespace's kernel objects.
    /// The thread ends afterwards; the rest of the process stays where it was.
    public func perform<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> T {
        let path = "/run/netns/\(name)"
        let box = ResultBox<T>()
        let thread = Thread {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                box.set(.failure(NamespaceError(message: "open \(path): \(String(cString: strerror(errno)))")))
                return
            }
            defer { close(fd) }
            // setns moves only this thread; the thread ends with the body, so no other work
            // ever runs in the lab's namespace by accident.
            guard xdpha_enter_netns(fd) == 0 else {
                box.set(.failure(NamespaceError(message: "setns \(path): \(String(cString: strerror(errno)))")))
                return
            }
            box.set(Result { try body() })
        }
        thread.start()
        return try box.wait().get()
    }
}

public struct NamespaceError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// Hands one result from the namespace thread to the waiting caller.
final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var result: Result<T, Error>?

    func set(_ value: Result<T, Error>) {
        lock.withLock { result = value }
        done.signal()
    }

    func wait() -> Result<T, Error> {
        done.wait()
        return lock.withLock { result! }
    }
}
