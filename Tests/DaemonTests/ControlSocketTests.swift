import Daemon
import Foundation
import Testing

@Suite("Control socket")
struct ControlSocketTests {
    @Test("status is answered over a 0600 Unix socket and the socket goes with the server")
    func statusRoundTrip() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xdpha-ctl-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("control.sock").path
        let server = ControlServer(path: path) { request in Data("{\"asked\":\"\(request.rawValue)\"}".utf8) }
        let task = Task { try await server.serve() }
        defer { task.cancel() }

        var reply: Data?
        for _ in 0..<100 {
            if FileManager.default.fileExists(atPath: path) {
                reply = try? await ControlClient.request(.status, socketPath: path)
                if reply != nil { break }
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(String(decoding: reply ?? Data(), as: UTF8.self) == "{\"asked\":\"status\"}")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test("asking a daemon that is not running names the missing socket")
    func noDaemon() async throws {
        await #expect(throws: ControlClientError.self) {
            _ = try await ControlClient.request(.status, socketPath: "/nonexistent/xdpha/control.sock")
        }
    }

    @Test("a second daemon on the same pid file is refused")
    func pidFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("xdpha-pid-\(getpid())").path
        // PID 1 is always alive: a pid file naming it belongs to a running process.
        try "1\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        #expect(throws: PidFileError.self) { _ = try PidFile(path: path) }
        unlink(path)
        let file = try PidFile(path: path)
        #expect(try String(contentsOfFile: file.path, encoding: .utf8) == "\(getpid())\n")
    }

    @Test("capabilities are read from CapEff")
    func capabilities() {
        let none = Capabilities(effective: 0)
        #expect(none.missingForDaemon(needsBPF: true).map(\.description) == ["CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_BPF"])
        let root = Capabilities(effective: 0x1ff_ffff_ffff)
        #expect(root.missingForDaemon(needsBPF: true).isEmpty)
    }
}
