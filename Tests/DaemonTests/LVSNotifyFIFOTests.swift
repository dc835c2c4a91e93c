// lvs_notify_fifo: real and virtual server events in keepalived's words, in the order the
// checkers decided them, read by the lvs_notify_fifo_script as keepalived runs it.
import Config
@testable import Daemon
import Dataplane
import Foundation
import HealthCheck
import Logging
import Testing

private actor NullDataPath: DataPath {
    nonisolated let name = "null"
    func apply(_ config: KeepalivedConfig) async throws -> DataPathReport { DataPathReport(path: name, summary: "") }
    func stop() async {}
}

@Suite("lvs_notify_fifo", .serialized)
struct LVSNotifyFIFOTests {
    @Test("RS and VS lines name the real, the virtual server and the state; weights and pools write nothing")
    func lines() throws {
        let result = ConfigLoader().load(text: """
            virtual_server 192.0.2.50 80 {
                lvs_sched rr
                lb_kind DR
                protocol UDP
                real_server 192.0.2.11 53 {
                }
            }
            """)
        let servers = LVSFIFOLines.index(result.config)
        let name = try #require(servers.keys.first)
        let id = RealServerID(virtualServer: name, endpoint: Endpoint("192.0.2.11", 53))
        #expect(LVSFIFOLines.line(for: .realServerDown(id, inhibited: false), servers: servers)
                == "RS [192.0.2.11]:udp:53 [192.0.2.50]:udp:80 DOWN")
        #expect(LVSFIFOLines.line(for: .realServerUp(id, weight: 1), servers: servers)
                == "RS [192.0.2.11]:udp:53 [192.0.2.50]:udp:80 UP")
        #expect(LVSFIFOLines.line(for: .quorumLost(virtualServer: name, sorryServer: nil), servers: servers)
                == "VS [192.0.2.50]:udp:80 DOWN")
        #expect(LVSFIFOLines.line(for: .quorumRegained(virtualServer: name), servers: servers) == "VS [192.0.2.50]:udp:80 UP")
        #expect(LVSFIFOLines.line(for: .realServerWeightChanged(id, weight: 3), servers: servers) == nil)
        #expect(LVSFIFOLines.line(for: .poolChanged(virtualServer: name, pool: []), servers: servers) == nil)
    }

    @Test("a real whose check fails is written DOWN to the FIFO, and quorum loss VS DOWN")
    func failingRealReachesTheFIFO() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("xdpha-lvsfifo-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("events.log").path
        let reader = directory.appendingPathComponent("reader.sh").path
        try "#!/bin/sh\nexec cat \"$1\" >> \(log)\n".write(toFile: reader, atomically: true, encoding: .utf8)
        chmod(reader, 0o755)

        // 127.0.0.1:1 refuses connections: the real fails its first check; quorum 2 is lost.
        let result = ConfigLoader().load(text: """
            global_defs {
                lvs_notify_fifo \(directory.path)/lvs.fifo
                lvs_notify_fifo_script \(reader)
            }
            virtual_server 192.0.2.50 80 {
                lvs_sched rr
                lb_kind DR
                protocol TCP
                delay_loop 0.2
                retry 0
                warmup 0
                quorum 2
                real_server 127.0.0.1 80 {
                    TCP_CHECK {
                        connect_port 1
                        connect_timeout 0.5
                    }
                }
            }
            """)
        let failed = result.hasErrors
        #expect(!failed, "\(result.rendered())")
        let fifos = NotifyFIFOs(logger: Logger(label: "test"))
        fifos.configure(result.config.global)
        defer { fifos.close() }
        let supervisor = ServiceSupervisor(logger: Logger(label: "test"))
        await supervisor.useFIFOs(fifos)
        try await supervisor.start(result.config, on: NullDataPath())
        defer { Task { await supervisor.stop() } }

        let deadline = ContinuousClock.now + .seconds(3)
        var lines: [String] = []
        while ContinuousClock.now < deadline {
            lines = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            if lines.contains("RS [127.0.0.1]:tcp:80 [192.0.2.50]:tcp:80 DOWN") { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(lines.contains("RS [127.0.0.1]:tcp:80 [192.0.2.50]:tcp:80 DOWN"), "\(lines)")
        #expect(lines.contains("VS [192.0.2.50]:tcp:80 DOWN"), "\(lines)")
        await supervisor.stop()
    }
}
