// The checkers' scale figure (issue: 1,000 real servers checked every second, under 10% of one
// core): one HealthMonitor with 1,000 reals on loopback, TCP_CHECK or HTTP_GET every second, in
// this (release) process. The listeners live in a separate python3 process, so getrusage of
// this process counts only the checkers' work; the window starts after the warmup.
import Foundation
import HealthCheck

struct CheckerScaleResult: Codable {
    var checker: String
    var reals: Int
    var windowSeconds: Double
    /// CPU time of the checking process per second of the window, in % of one core.
    var cpuPercent: Double
    var userPercent: Double
    /// The process's peak resident memory over its whole life (in a full `make bench` run that
    /// includes the benchmarks before this one).
    var maxRSSMiB: Int
    /// Resident memory the monitor and its checkers added: the process's resident set at the end
    /// of the window minus before the monitor was made. Nil in reports from before.
    var rssAddedMiB: Double?
    var downEvents: Int
    /// TCP connects started per second in the window (the root namespace's ActiveOpens): shows
    /// whether the checker kept up with 1,000 checks a second. Nil in reports from before.
    var connectsPerSecond: Double?
}

struct CheckerScaleBenchmark {
    var reals = 1000
    var window: Double = 10

    func run() async throws -> [CheckerScaleResult] {
        [try await measure(http: false), try await measure(http: true)]
    }

    private func measure(http: Bool) async throws -> CheckerScaleResult {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("xdpha-bench-listeners-\(getpid()).py")
        try Self.listenerScript.write(to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }
        let listener = Process()
        listener.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        listener.arguments = ["python3", script.path, "\(reals)", http ? "http" : "tcp"]
        let pipe = Pipe()
        listener.standardOutput = pipe
        try listener.run()
        defer { kill(listener.processIdentifier, SIGKILL); listener.waitUntilExit() }
        let line = String(decoding: pipe.fileHandleForReading.availableData, as: UTF8.self)
        let ports = line.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int($0) }
        guard ports.count == reals else { throw BenchError("the listener opened \(ports.count) of \(reals) ports") }

        let residentBefore = Self.residentKiB()
        let kind: CheckKind = http ? .http(HTTPCheckOptions(urls: [URLCheck(path: "/")])) : .tcp
        let configurations = ports.map {
            RealServerHealthConfiguration(endpoint: Endpoint("127.0.0.1", $0), checkers: [CheckerConfiguration(kind)])
        }
        let service = VirtualServerHealthConfiguration(
            name: "scale", reals: configurations,
            timing: CheckTiming(delayLoop: .seconds(1), connectTimeout: .seconds(1), warmup: .seconds(1)))
        let monitor = try HealthMonitor(services: [service])
        let downs = Counter()
        let watcher = Task { for await event in monitor.events { if case .realServerDown = event { downs.add() } } }
        let running = Task { await monitor.run() }
        try await Task.sleep(for: .seconds(2))   // past the warmup: every real is being checked
        let before = Self.usage()
        let opensBefore = Self.activeOpens()
        let started = ContinuousClock.now
        try await Task.sleep(for: .seconds(window))
        let after = Self.usage()
        let residentAfter = Self.residentKiB()
        let opensAfter = Self.activeOpens()
        let elapsed = ContinuousClock.now - started
        running.cancel()
        await running.value
        watcher.cancel()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let result = CheckerScaleResult(checker: http ? "HTTP_GET" : "TCP_CHECK", reals: reals, windowSeconds: seconds,
                                        cpuPercent: (after.cpu - before.cpu) / seconds * 100,
                                        userPercent: (after.user - before.user) / seconds * 100,
                                        maxRSSMiB: after.maxRSSKiB / 1024,
                                        rssAddedMiB: residentBefore.flatMap { b in residentAfter.map { Double($0 - b) / 1024 } },
                                        downEvents: downs.value,
                                        connectsPerSecond: opensBefore.flatMap { b in opensAfter.map { Double($0 - b) / seconds } })
        Bench.log("checkers: \(result.checker) x \(reals) every second: \(String(format: "%.1f", result.cpuPercent))% of one core")
        return result
    }

    private static func usage() -> (cpu: Double, user: Double, maxRSSKiB: Int) {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return (user + system, user, usage.ru_maxrss)
    }

    /// VmRSS of this process (/proc/self/status), KiB.
    private static func residentKiB() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return nil }
        return line.split(separator: " ").compactMap { Int($0) }.first
    }

    /// Tcp ActiveOpens of this network namespace (/proc/net/snmp): connects started.
    private static func activeOpens() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/net/snmp", encoding: .utf8) else { return nil }
        let tcp = text.split(separator: "\n").filter { $0.hasPrefix("Tcp:") }.map { $0.split(separator: " ") }
        guard tcp.count == 2, let column = tcp[0].firstIndex(of: "ActiveOpens"), column < tcp[1].count else { return nil }
        return Int(tcp[1][column])
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func add() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }

    /// 1,000 listening sockets on 127.0.0.1; with "http", each connection gets one HTTP 200.
    static let listenerScript = #"""
        import socket, selectors, sys
        count, http = int(sys.argv[1]), sys.argv[2] == "http"
        sel = selectors.DefaultSelector()
        ports = []
        for _ in range(count):
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", 0)); s.listen(64); s.setblocking(False)
            sel.register(s, selectors.EVENT_READ, "listen"); ports.append(s.getsockname()[1])
        print(" ".join(map(str, ports)), flush=True)
        reply = b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"
        while True:
            for key, _ in sel.select():
                if key.data == "listen":
                    try: c, _ = key.fileobj.accept()
                    except BlockingIOError: continue
                    if http: c.setblocking(False); sel.register(c, selectors.EVENT_READ, "client")
                    else: c.close()
                else:
                    c = key.fileobj
                    try:
                        if c.recv(4096): c.send(reply)
                    except OSError: pass
                    sel.unregister(c); c.close()
        """#
}
