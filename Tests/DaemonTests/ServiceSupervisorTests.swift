// The supervisor between the checkers and a data path, with a data path that records what it is
// handed and TCP_CHECKs against loopback ports (one listening, the others closed).
import Config
import Daemon
import Dataplane
import Foundation
import Logging
import Testing

/// A data path that keeps every configuration it is handed, and refuses them when told to.
private actor RecordingDataPath: DataPath {
    nonisolated let name = "recording"
    var applied: [[String]] = []
    var refusing = false
    var stopped = false

    func apply(_ config: KeepalivedConfig) async throws -> DataPathReport {
        if refusing { throw ServiceMappingRefusal() }
        applied.append(config.virtualServers.flatMap { $0.realServers.map { "\($0.address) w\($0.weight)" } })
        return DataPathReport(path: name, summary: "\(applied.last!.count) reals")
    }

    func stop() async { stopped = true }
    func refuse(_ value: Bool) { refusing = value }
}

private struct ServiceMappingRefusal: Error {}

/// A TCP port on 127.0.0.1: listening (checks pass) or bound then closed (checks are refused).
private func loopbackPort(listening: Bool) throws -> (port: Int, fd: Int32) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else { throw POSIXError(.EADDRINUSE) }
    if listening { listen(fd, 16) } else { close(fd) }
    return (Int(UInt16(bigEndian: address.sin_port)), listening ? fd : -1)
}

private func config(open: Int, closed: Int, inhibit: Bool = false) -> KeepalivedConfig {
    let text = """
        virtual_server 192.0.2.50 80 {
            lvs_sched rr
            lb_kind DR
            protocol TCP
            delay_loop 0.2
            retry 0
            warmup 0
            connect_timeout 0.5
            \(inhibit ? "inhibit_on_failure" : "")
            real_server 127.0.0.1 80 { TCP_CHECK { connect_port \(open) } }
            real_server 127.0.0.2 80 { TCP_CHECK { connect_port \(closed) } }
            real_server 127.0.0.3 80 { TCP_CHECK { connect_port \(closed) } }
            real_server 127.0.0.4 80 {
            }
        }
        """
    let result = ConfigLoader().load(text: text)
    let failed = result.hasErrors
    #expect(!failed, "\(result.rendered())")
    return result.config
}

@Suite("Service supervisor", .serialized)
struct ServiceSupervisorTests {
    @Test("Failed reals leave the data path in one coalesced apply; a real without checker stays")
    func failuresAreAppliedOnceCoalesced() async throws {
        let open = try loopbackPort(listening: true), closed = try loopbackPort(listening: false)
        defer { close(open.fd) }
        let dataPath = RecordingDataPath()
        let supervisor = ServiceSupervisor(logger: Logger(label: "test"), coalescing: .milliseconds(300))
        try await supervisor.start(config(open: open.port, closed: closed.port), on: dataPath)
        #expect(await dataPath.applied == [["127.0.0.1 w1", "127.0.0.2 w1", "127.0.0.3 w1", "127.0.0.4 w1"]])

        try await Task.sleep(for: .seconds(1.2))
        // Both closed reals fail on their first check (warmup 0) and go out together; the
        // listening one and the one without a checker stay; nothing else changes after.
        #expect(await dataPath.applied.dropFirst() == [["127.0.0.1 w1", "127.0.0.4 w1"]])
        let status = await supervisor.status()
        #expect(status.first?.reals.map(\.state) == ["up", "down", "down", "up"])

        // A reload the data path refuses changes nothing.
        await dataPath.refuse(true)
        await #expect(throws: ServiceMappingRefusal.self) {
            try await supervisor.reload(config(open: open.port, closed: closed.port, inhibit: true))
        }
        await dataPath.refuse(false)
        try await Task.sleep(for: .milliseconds(500))
        #expect(await dataPath.applied.count == 2)
        #expect(await supervisor.status().first?.reals.map(\.state) == ["up", "down", "down", "up"])

        // An accepted reload with inhibit_on_failure: the down reals keep their known state (no
        // new check needed) and come back at weight 0.
        try await supervisor.reload(config(open: open.port, closed: closed.port, inhibit: true))
        #expect(await dataPath.applied.last == ["127.0.0.1 w1", "127.0.0.2 w0", "127.0.0.3 w0", "127.0.0.4 w1"])
        #expect(await supervisor.status().first?.reals.map(\.state) == ["up", "inhibited", "inhibited", "up"])

        await supervisor.stop()
        #expect(await dataPath.stopped)
    }
}
