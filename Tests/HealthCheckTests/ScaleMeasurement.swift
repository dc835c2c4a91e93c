import Foundation
import Testing
@testable import HealthCheck
#if canImport(Glibc)
import Glibc
#endif

// The figure asked of the checker: 1,000 real servers checked every second. The listeners live
// in a separate python3 process, so getrusage of this process counts only the checker's work.
// Off by default (it takes ~15 s); run with XDPHA_HC_SCALE=1 (and XDPHA_HC_SCALE_KIND=http for
// HTTP_GET, XDPHA_HC_SCALE_SECONDS to change the 10 s window).
extension CheckerIOTests {
    @Suite(.enabled(if: ProcessInfo.processInfo.environment["XDPHA_HC_SCALE"] != nil))
    struct ScaleMeasurement {
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

        @Test func thousandRealsEverySecond() async throws {
            let environmentVariables = ProcessInfo.processInfo.environment
            let http = environmentVariables["XDPHA_HC_SCALE_KIND"] == "http"
            let seconds = Double(environmentVariables["XDPHA_HC_SCALE_SECONDS"] ?? "") ?? 10
            let count = 1000
            let directory = try Peers.temporaryDirectory("scale")
            let script = directory.appendingPathComponent("listeners.py")
            try Self.listenerScript.write(to: script, atomically: true, encoding: .utf8)
            let listener = Process()
            listener.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            listener.arguments = ["python3", script.path, "\(count)", http ? "http" : "tcp"]
            let pipe = Pipe()
            listener.standardOutput = pipe
            try listener.run()
            defer { kill(listener.processIdentifier, SIGKILL); listener.waitUntilExit() }
            let portLine = try await Blocking.run { String(decoding: pipe.fileHandleForReading.availableData, as: UTF8.self) }
            let ports = portLine.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int($0) }
            try #require(ports.count == count)

            let kind: CheckKind = http ? .http(HTTPCheckOptions(urls: [URLCheck(path: "/")])) : .tcp
            let reals = ports.map { RealServerHealthConfiguration(endpoint: Endpoint("127.0.0.1", $0), checkers: [CheckerConfiguration(kind)]) }
            let service = VirtualServerHealthConfiguration(
                name: "scale", reals: reals,
                timing: CheckTiming(delayLoop: .seconds(1), connectTimeout: .seconds(1), warmup: .seconds(1)))
            let monitor = try HealthMonitor(services: [service])
            let downs = Mutex(0)
            let watcher = Task {
                for await event in monitor.events { if case .realServerDown = event { downs.withLock { $0 += 1 } } }
            }
            let run = Task { await monitor.run() }
            try await Task.sleep(for: .seconds(2))   // past warmup
            let before = Self.usage()
            let clock = ContinuousClock()
            let start = clock.now
            try await Task.sleep(for: .seconds(seconds))
            let after = Self.usage()
            let elapsed = clock.now - start
            run.cancel()
            await run.value
            watcher.cancel()
            let window = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let cpu = (after.cpu - before.cpu) / window
            let user = (after.user - before.user) / window
            print("SCALE \(http ? "HTTP_GET" : "TCP_CHECK") reals=\(count) delay_loop=1s window=\(elapsed): "
                  + "cpu=\(String(format: "%.1f", cpu * 100))% of one core (user \(String(format: "%.1f", user * 100))%), maxrss=\(after.maxRSSKiB / 1024) MiB, "
                  + "down events=\(downs.withLock { $0 })")
            #expect(downs.withLock { $0 } == 0)
        }

        static func usage() -> (cpu: Double, user: Double, maxRSSKiB: Int) {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
            return (user + system, user, usage.ru_maxrss)
        }
    }
}
