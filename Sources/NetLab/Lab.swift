// A throwaway lab: network namespaces, veth links and bridges with unique names, removed again
// when the lab is torn down, when its owner is deinitialised, when the process is interrupted,
// and (for a process that was killed) by the next lab that starts.
import Foundation

public final class Lab: @unchecked Sendable {
    /// Namespaces of all labs start with this; the creator's PID follows so that a later run can
    /// tell an abandoned lab from a live one.
    public static let namespacePrefix = "xl"

    public let id: String
    private let lock = NSLock()
    private var namespaces: [NetworkNamespace] = []
    private var processes: [Process] = []
    private var tornDown = false

    /// Why lab tests cannot run here, or nil when they can.
    public static var unavailableReason: String? {
        if geteuid() != 0 { return "lab tests need root (network namespaces, XDP)" }
        if !Command.exists("ip") { return "lab tests need iproute2's `ip`" }
        return nil
    }

    public init(_ name: String) throws {
        if let reason = Lab.unavailableReason { throw NamespaceError(message: reason) }
        Lab.sweepAbandoned()
        id = "\(Lab.namespacePrefix)\(getpid())-\(LabRegistry.shared.nextSerial())-\(name.prefix(12))"
        LabRegistry.shared.add(self)
    }

    deinit { tearDown() }

    /// A new namespace with loopback up and the sysctls an LVS/VRRP lab needs set explicitly
    /// (a new namespace copies some IPv4 settings from the host).
    public func namespace(_ role: String) throws -> NetworkNamespace {
        let ns = NetworkNamespace(name: "\(id)-\(role)")
        try Command.run(["ip", "netns", "add", ns.name])
        lock.withLock { namespaces.append(ns) }
        try ns.up("lo")
        try ns.sysctl("net.ipv4.conf.all.rp_filter", "0")
        try ns.sysctl("net.ipv4.conf.default.rp_filter", "0")
        try ns.sysctl("net.ipv6.conf.all.accept_dad", "0")
        try ns.sysctl("net.ipv6.conf.default.accept_dad", "0")
        return ns
    }

    /// A veth pair whose ends are created directly inside the two namespaces (never in the root
    /// namespace), both brought up. Names need only be unique within their own namespace.
    public func link(_ a: NetworkNamespace, _ aName: String, _ b: NetworkNamespace, _ bName: String) throws {
        try Command.run(["ip", "link", "add", aName, "netns", a.name, "type", "veth",
                         "peer", "name", bName, "netns", b.name])
        try a.up(aName)
        try b.up(bName)
    }

    /// A bridge in `ns` set up for VRRP labs: no multicast snooping, no STP, no forward delay.
    public func bridge(_ name: String, in ns: NetworkNamespace, ports: [String]) throws {
        try ns.run("ip", "link", "add", name, "type", "bridge", "mcast_snooping", "0",
                   "stp_state", "0", "forward_delay", "0")
        for port in ports { try ns.run("ip", "link", "set", port, "master", name) }
        try ns.up(name)
    }

    /// Starts a long-running command in `ns`; it is killed (by PID) when the lab is torn down.
    /// `ip netns exec` gives it a fresh /sys (no /sys/fs/bpf); with `hostBPF` it enters only the
    /// network namespace (nsenter), so pinned BPF maps are the host's and outlive it.
    @discardableResult
    public func spawn(_ ns: NetworkNamespace, _ arguments: [String], log: URL? = nil, hostBPF: Bool = false) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = (hostBPF ? ["nsenter", "--net=/run/netns/\(ns.name)", "--"] : ["ip", "netns", "exec", ns.name])
            + arguments
        process.standardInput = FileHandle.nullDevice
        if let log {
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
        } else {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        lock.withLock { processes.append(process) }
        return process
    }

    /// Kills what the lab started and deletes its namespaces (which takes their links along).
    public func tearDown() {
        let (procs, spaces) = lock.withLock { () -> ([Process], [NetworkNamespace]) in
            if tornDown { return ([], []) }
            tornDown = true
            return (processes, namespaces)
        }
        for process in procs where process.isRunning {
            kill(process.processIdentifier, SIGTERM)
        }
        for process in procs where process.isRunning {
            let deadline = Date().addingTimeInterval(2)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        for ns in spaces.reversed() {
            _ = try? Command.run(["ip", "netns", "del", ns.name], check: false)
        }
        LabRegistry.shared.remove(self)
    }

    /// Deletes namespaces left by lab processes that no longer exist (killed before cleanup).
    public static func sweepAbandoned() {
        guard let list = try? Command.run(["ip", "netns", "list"], check: false).output else { return }
        for line in list.split(separator: "\n") {
            guard let name = line.split(separator: " ").first.map(String.init),
                  name.hasPrefix(namespacePrefix) else { continue }
            let digits = name.dropFirst(namespacePrefix.count).prefix { $0.isNumber }
            guard let pid = Int32(digits) else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                _ = try? Command.run(["ip", "netns", "del", name], check: false)
            }
        }
    }
}

/// Every live lab of this process, so an interrupt or exit can still clean them all up.
final class LabRegistry: @unchecked Sendable {
    static let shared = LabRegistry()
    private let lock = NSLock()
    private struct WeakLab { weak var lab: Lab? }
    private var labs: [ObjectIdentifier: WeakLab] = [:]
    private var serial = 0
    private var signalSources: [DispatchSourceSignal] = []

    private init() {
        atexit { LabRegistry.shared.tearDownAll() }
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                LabRegistry.shared.tearDownAll()
                exit(128 + sig)
            }
            source.resume()
            signalSources.append(source)
        }
    }

    func nextSerial() -> Int { lock.withLock { serial += 1; return serial } }
    func add(_ lab: Lab) { lock.withLock { labs[ObjectIdentifier(lab)] = WeakLab(lab: lab) } }
    func remove(_ lab: Lab) { _ = lock.withLock { labs.removeValue(forKey: ObjectIdentifier(lab)) } }

    func tearDownAll() {
        let all = lock.withLock { labs.values.compactMap(\.lab) }
        for lab in all { lab.tearDown() }
    }
}
