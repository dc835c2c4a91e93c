// `xdpha run --dataplane ipvs` end to end on a kernel with IPVS: the table `ipvsadm -Ln` shows
// follows the configuration at start, after a SIGHUP reload and at stop, while services someone
// else made with ipvsadm stay untouched throughout.
import Foundation
import NetLab
import Testing
@testable import IPVS

@Suite(.enabled(if: KernelIPVS.available, KernelIPVS.skipComment), .serialized)
struct IPVSDaemonTests {
    static let first = """
        virtual_server 192.0.2.50 80 {
            protocol TCP
            lvs_sched wlc
            lb_kind NAT
            persistence_timeout 120
            real_server 198.51.100.11 8080 { weight 3 }
            real_server 198.51.100.12 8080 { weight 1 }
        }
        virtual_server 192.0.2.51 53 {
            protocol UDP
            lvs_sched sh
            sh-port
            lb_kind DR
            real_server 192.0.2.11 53 {}
            real_server 192.0.2.12 53 { weight 2 }
        }
        virtual_server fwmark 7 {
            lvs_sched lc
            lb_kind DR
            real_server 192.0.2.21 {}
        }

        """

    /// A real added (.13), one removed (.12), a weight changed (.11), a service dropped (fwmark 7).
    static let second = """
        virtual_server 192.0.2.50 80 {
            protocol TCP
            lvs_sched wlc
            lb_kind NAT
            persistence_timeout 120
            real_server 198.51.100.11 8080 { weight 5 }
            real_server 198.51.100.13 8080 { weight 1 }
        }
        virtual_server 192.0.2.51 53 {
            protocol UDP
            lvs_sched sh
            sh-port
            lb_kind DR
            real_server 192.0.2.11 53 {}
            real_server 192.0.2.12 53 { weight 2 }
        }

        """

    static let web = IPVSServiceKey.address(.tcp, address("192.0.2.50"), port: 80)
    static let dns = IPVSServiceKey.address(.udp, address("192.0.2.51"), port: 53)

    static let dnsService = IPVSVirtualServer(IPVSService(dns, scheduler: "sh", options: .schedulerFlag2), destinations: [
        IPVSDestination(address("192.0.2.11"), port: 53, forwarding: .directRoute, weight: 1),
        IPVSDestination(address("192.0.2.12"), port: 53, forwarding: .directRoute, weight: 2),
    ])

    static let firstState = IPVSState([
        IPVSVirtualServer(IPVSService(web, scheduler: "wlc", persistence: IPVSPersistence(timeout: 120)), destinations: [
            IPVSDestination(address("198.51.100.11"), port: 8080, forwarding: .masquerade, weight: 3),
            IPVSDestination(address("198.51.100.12"), port: 8080, forwarding: .masquerade, weight: 1),
        ]),
        dnsService,
        IPVSVirtualServer(IPVSService(.firewallMark(7, family: .inet), scheduler: "lc"), destinations: [
            IPVSDestination(address("192.0.2.21"), port: 0, forwarding: .directRoute, weight: 1),
        ]),
    ])

    static let secondState = IPVSState([
        IPVSVirtualServer(IPVSService(web, scheduler: "wlc", persistence: IPVSPersistence(timeout: 120)), destinations: [
            IPVSDestination(address("198.51.100.11"), port: 8080, forwarding: .masquerade, weight: 5),
            IPVSDestination(address("198.51.100.13"), port: 8080, forwarding: .masquerade, weight: 1),
        ]),
        dnsService,
    ])

    /// Two services made with ipvsadm: one before the daemon starts, one while it runs.
    static let handMadeBefore = IPVSVirtualServer(
        IPVSService(.address(.tcp, address("203.0.113.9"), port: 22), scheduler: "rr"),
        destinations: [IPVSDestination(address("203.0.113.10"), port: 22, forwarding: .directRoute, weight: 1)])
    static let handMadeWhileRunning = IPVSVirtualServer(
        IPVSService(.address(.tcp, address("203.0.113.9"), port: 25), scheduler: "wrr"), destinations: [])

    @Test func ipvsadmShowsTheConfigurationAtStartAfterReloadAndNothingOfItAfterStop() throws {
        let lab = try Lab("ipvs-daemon")
        defer { lab.tearDown() }
        let director = try lab.namespace("director")
        let run = try DaemonRun(lab: lab, in: director, config: Self.first)

        try director.run("ipvsadm", "-A", "-t", "203.0.113.9:22", "-s", "rr")
        try director.run("ipvsadm", "-a", "-t", "203.0.113.9:22", "-r", "203.0.113.10", "-g")
        try run.start(["--dataplane", "ipvs"])

        let started = try run.waitForTable(in: director) { $0 == Self.with(Self.firstState, [Self.handMadeBefore]) }
        #expect(started == Self.with(Self.firstState, [Self.handMadeBefore]), "\(run.log)")

        try director.run("ipvsadm", "-A", "-t", "203.0.113.9:25", "-s", "wrr")
        try run.reload(Self.second)
        let expected = Self.with(Self.secondState, [Self.handMadeBefore, Self.handMadeWhileRunning])
        let reloaded = try run.waitForTable(in: director) { $0 == expected }
        #expect(reloaded == expected, "\(run.log)")

        // The same configuration again: the reconciler finds nothing to change.
        try run.reload(Self.second)
        #expect(run.waitForLog { $0.contains("IPVS: 2 services, 4 reals, 0 changes") }, "\(run.log)")
        #expect(try KernelTable.read(in: director) == expected)

        // Stop: the daemon's services go, as with keepalived; ipvsadm's stay.
        let status = try run.stop()
        #expect(status == 0, "\(run.log)")
        #expect(try KernelTable.read(in: director) == Self.with(.empty, [Self.handMadeBefore, Self.handMadeWhileRunning]),
                "\(run.log)")
    }

    @Test func dontReleaseIpvsLeavesTheServicesAndTheNextStartTakesThemOverOrFlushesWithLvsFlush() throws {
        let lab = try Lab("ipvs-keep")
        defer { lab.tearDown() }
        let director = try lab.namespace("director")
        let run = try DaemonRun(lab: lab, in: director, config: Self.first)
        try run.start(["--dataplane", "ipvs", "--dont-release-ipvs"])
        _ = try run.waitForTable(in: director) { $0 == Self.firstState.canonical }
        #expect(try run.stop() == 0, "\(run.log)")
        #expect(try KernelTable.read(in: director) == Self.firstState.canonical, "\(run.log)")

        // The next daemon, whose configuration no longer has fwmark 7, removes that kept service
        // (the state directory says it was the daemon's), takes the others over and leaves the
        // service ipvsadm made meanwhile alone.
        try director.run("ipvsadm", "-A", "-t", "203.0.113.9:22", "-s", "rr")
        let handMade = IPVSVirtualServer(IPVSService(.address(.tcp, address("203.0.113.9"), port: 22), scheduler: "rr"),
                                         destinations: [])
        try run.reload(Self.second, signal: false)
        try run.start(["--dataplane", "ipvs", "--dont-release-ipvs"])
        let taken = try run.waitForTable(in: director) { $0 == Self.with(Self.secondState, [handMade]) }
        #expect(taken == Self.with(Self.secondState, [handMade]), "\(run.log)")
        #expect(run.log.contains("services kept by an earlier run are this daemon's"), "\(run.log)")
        #expect(try run.stop() == 0, "\(run.log)")

        // With global_defs lvs_flush the next start first empties the table, ipvsadm's service included.
        try run.reload("global_defs {\n    lvs_flush\n}\n" + Self.first, signal: false)
        try run.start(["--dataplane", "ipvs"])
        let flushed = try run.waitForTable(in: director) { $0 == Self.firstState.canonical }
        #expect(flushed == Self.firstState.canonical, "\(run.log)")
        #expect(run.log.contains("lvs_flush: every service of the table removed"), "\(run.log)")
        #expect(try run.stop() == 0, "\(run.log)")
        #expect(try KernelTable.read(in: director) == .empty)
        #expect(!FileManager.default.fileExists(atPath: run.stateDirectory.appendingPathComponent("ipvs-services").path),
                "a daemon that released its services keeps no record of them")
    }

    /// --dataplane auto where XDP cannot be loaded (a BPF object that does not exist): the
    /// services XDP would have served (sh with DR) go to IPVS with the others, and the log says so.
    @Test func autoHandsEverythingToIPVSWhenXDPCannotBeUsed() throws {
        let lab = try Lab("ipvs-auto")
        defer { lab.tearDown() }
        let director = try lab.namespace("director")
        let run = try DaemonRun(lab: lab, in: director, config: Self.first)
        try run.start(["--dataplane", "auto", "--bpf-object", "/nonexistent/xdpha.o"])
        let table = try run.waitForTable(in: director) { $0 == Self.firstState.canonical }
        #expect(table == Self.firstState.canonical, "\(run.log)")
        let log = run.log
        #expect(log.contains("XDP data path unavailable"), "\(log)")
        #expect(log.contains("data path: virtual_server 192.0.2.51:53: IPVS (XDP cannot be used:"), "\(log)")
        #expect(log.contains("data path: virtual_server 192.0.2.50:80: IPVS (XDP cannot be used:"), "\(log)")
        #expect(try run.stop() == 0, "\(log)")
    }

    /// Real connections through the daemon's IPVS services: spread over both reals; a real whose
    /// server stops fails its TCP_CHECK and leaves the table (every connection then goes to the
    /// other); a reload that drops it and changes the other's weight is followed.
    @Test func connectionsThroughTheDaemonsDirectRoutedServiceFollowHealthChecksAndReloads() throws {
        let lab = try Lab("ipvs-daemon-dr")
        defer { lab.tearDown() }
        let vip = "203.0.113.100", port: UInt16 = 8080
        let topology = try DRTopology(lab: lab, vip: vip, port: port)
        defer { topology.stop() }
        func config(_ reals: [(String, Int)]) -> String {
            "virtual_server \(vip) \(port) {\n    protocol TCP\n    lvs_sched rr\n    lb_kind DR\n"
                + "    delay_loop 1\n    retry 1\n    delay_before_retry 0.2\n    connect_timeout 1\n"
                + reals.map { "    real_server \($0.0) \(port) {\n        weight \($0.1)\n        TCP_CHECK {}\n    }\n" }.joined()
                + "}\n"
        }
        let run = try DaemonRun(lab: lab, in: topology.director, config: config([("203.0.113.11", 1), ("203.0.113.12", 1)]))
        try run.start(["--dataplane", "ipvs"])
        let service = IPVSServiceKey.address(.tcp, address(vip), port: port)
        func reals(_ table: IPVSState) -> [String] {
            (table.virtualServer(service)?.destinations ?? []).map { "\($0.address) w\($0.weight)" }.sorted()
        }
        var table = try run.waitForTable(in: topology.director) { reals($0).count == 2 }
        #expect(reals(table) == ["203.0.113.11 w1", "203.0.113.12 w1"], "\(run.log)")

        var answers: [String: Int] = [:]
        for _ in 0..<10 {
            answers[try LineClient.fetch(from: topology.client, address: vip, port: port), default: 0] += 1
        }
        #expect(answers == ["real1": 5, "real2": 5], "\(run.log)")

        // real2's server stops: its TCP_CHECK fails and the daemon takes it out of IPVS.
        topology.stopServer(1)
        table = try run.waitForTable(in: topology.director) { reals($0) == ["203.0.113.11 w1"] }
        #expect(reals(table) == ["203.0.113.11 w1"], "\(run.log)")
        for _ in 0..<4 {
            #expect(try LineClient.fetch(from: topology.client, address: vip, port: port) == "real1")
        }

        // A reload without real2 and with real1 at weight 3.
        try run.reload(config([("203.0.113.11", 3)]))
        table = try run.waitForTable(in: topology.director) { reals($0) == ["203.0.113.11 w3"] }
        #expect(reals(table) == ["203.0.113.11 w3"], "\(run.log)")
        #expect(try run.stop() == 0, "\(run.log)")
        #expect(try KernelTable.read(in: topology.director) == .empty)
    }

    static func with(_ state: IPVSState, _ others: [IPVSVirtualServer]) -> IPVSState {
        IPVSState(state.virtualServers + others).canonical
    }
}

enum KernelTable {
    static func read(in namespace: NetworkNamespace) throws -> IPVSState {
        try IpvsadmListing.parse(namespace.run("ipvsadm", "-Ln").output)
    }
}

/// One `xdpha run` in a lab namespace with its configuration file, state folder and log.
final class DaemonRun {
    let lab: Lab
    let namespace: NetworkNamespace
    let folder: URL
    private(set) var process: Process?

    var configFile: URL { folder.appendingPathComponent("keepalived.conf") }
    var stateDirectory: URL { folder.appendingPathComponent("run") }
    var logFile: URL { folder.appendingPathComponent("xdpha.log") }
    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// The xdpha binary built beside the test binary.
    static var xdpha: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("xdpha")
    }

    init(lab: Lab, in namespace: NetworkNamespace, config: String) throws {
        self.lab = lab
        self.namespace = namespace
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("xdpha-ipvs-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try config.write(to: configFile, atomically: true, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// Starts the daemon: VRRP on raw sockets and no pinned maps, so that only IPVS is exercised.
    func start(_ arguments: [String]) throws {
        process = try lab.spawn(namespace, [Self.xdpha.path, "run", "-f", configFile.path, "--vrrp-rx", "socket",
                                            "--pin-dir", "", "--state-dir", stateDirectory.path,
                                            "--log-level", "info"] + arguments, log: logFile)
    }

    /// Writes `config` and, with `signal`, sends SIGHUP.
    func reload(_ config: String, signal: Bool = true) throws {
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        if signal, let process { kill(process.processIdentifier, SIGHUP) }
    }

    /// SIGTERM, then the exit status (nil when it did not exit within 30 s).
    func stop() throws -> Int32? {
        guard let process else { return nil }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Reads the table until `done` holds or 30 s pass (the guest runs under TCG); the last reading.
    func waitForTable(in namespace: NetworkNamespace, until done: (IPVSState) -> Bool) throws -> IPVSState {
        let deadline = Date().addingTimeInterval(30)
        var table = try KernelTable.read(in: namespace)
        while !done(table) && Date() < deadline && process?.isRunning == true {
            usleep(100_000)
            table = try KernelTable.read(in: namespace)
        }
        return table
    }

    func waitForLog(until done: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(30)
        while !done(log) {
            guard Date() < deadline else { return false }
            usleep(100_000)
        }
        return true
    }
}

/// On a kernel without IPVS (this machine), a configuration that needs it is refused whole, with
/// the services and the missing kernel feature named.
@Suite(.enabled(if: !KernelIPVS.available && Lab.unavailableReason == nil,
                "the kernel has IPVS here, so its absence cannot be observed"))
struct IPVSDaemonAbsentTests {
    @Test func runRefusesNamingTheServicesAndTheMissingModule() throws {
        let lab = try Lab("ipvs-absent")
        defer { lab.tearDown() }
        let director = try lab.namespace("director")
        let run = try DaemonRun(lab: lab, in: director, config: IPVSDaemonTests.first)
        try run.start(["--dataplane", "auto"])
        let status = try run.waitForExit()
        #expect(status != nil && status != 0, "\(run.log)")
        #expect(run.log.contains("virtual_server 192.0.2.50:80, virtual_server fwmark 7 need IPVS: IPVS: generic netlink "
                                 + "family IPVS not found (kernel module ip_vs not loaded or not built)"), "\(run.log)")
    }

    @Test func runWithTheXDPPathOnlyRefusesWithFileAndLine() throws {
        let lab = try Lab("xdp-refuses")
        defer { lab.tearDown() }
        let director = try lab.namespace("director")
        let run = try DaemonRun(lab: lab, in: director, config: IPVSDaemonTests.first)
        try run.start(["--dataplane", "xdp"])
        let status = try run.waitForExit()
        #expect(status != nil && status != 0, "\(run.log)")
        // lb_kind NAT is line 4 of the file: the daemon says so as check-config would.
        #expect(run.log.contains("\(run.configFile.path):4: virtual_server 192.0.2.50:80"), "\(run.log)")
        #expect(!run.log.contains("line 4: "), "\(run.log)")
    }
}

extension DaemonRun {
    /// The exit status once the daemon ends on its own (nil after 30 s).
    func waitForExit() throws -> Int32? {
        let deadline = Date().addingTimeInterval(30)
        while let process, process.isRunning, Date() < deadline { usleep(20_000) }
        return process.flatMap { $0.isRunning ? nil : $0.terminationStatus }
    }
}
