// Scene 2: LVS-DR steering in XDP. dir1 runs `xdpha attach ens33` with a keepalived.conf of one
// virtual server (weighted Maglev, weights 3:2:1); the client's requests spread over the three
// real servers, which answer it directly. One real server goes away and comes back; traffic
// goes on over the others meanwhile.
import BPF
import Foundation
import NetLab

struct LoadBalancingScene {
    let topology: DemoTopology

    private var director: NetworkNamespace { topology.directors[0] }
    /// dir1's pins: those of the VRRP scene's daemon, so attach adds DR to its program.
    private var pins: String { DemoTopology.pinDirectory(lab: topology.lab, director: 1) }
    private let reals = ["192.0.2.11", "192.0.2.12", "192.0.2.13"]
    private let weights = [3, 2, 1]

    func play() async throws {
        let xdpha = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("xdpha")
        guard FileManager.default.fileExists(atPath: xdpha.path) else {
            print("\n== LVS-DR scene skipped: \(xdpha.path) is not built (run `make demo`, which builds it)")
            return
        }
        let files = FileManager.default.temporaryDirectory.appendingPathComponent("\(topology.lab.id)-lb")
        try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(at: files)
            _ = try? run(xdpha, ["detach", "ens33", "--unpin", "--pin-dir", pins])
        }
        try DemoScripts.write(to: files)

        print("\n== LVS-DR steering in XDP: VIP \(DemoTopology.vip):80 on dir1, real servers answer the client directly")
        try await prepareSite()
        var responders = try reals.indices.map { try startResponder($0, scripts: files) }

        let all = zip(reals, weights).map { ($0, $1) }
        print("-- dir1: xdpha attach ens33 -f keepalived.conf  (lvs_sched mh, mh-port, lb_kind DR, weights 3:2:1)")
        print(indent(try attach(all, xdpha: xdpha, files: files)))
        for batch in 1...3 { try spread(batch: batch, files: files) }

        print("-- rs3 goes away: its responder stops and dir1 is reprogrammed without it")
        stop(responders[2])
        print(indent(try attach(Array(all.prefix(2)), xdpha: xdpha, files: files)))
        for batch in 4...5 { try spread(batch: batch, files: files) }

        print("-- rs3 is back")
        responders[2] = try startResponder(2, scripts: files)
        print(indent(try attach(all, xdpha: xdpha, files: files)))
        try spread(batch: 6, files: files)

        print("-- dir1: xdpha status --services")
        print(indent(try run(xdpha, ["status", "--services", "--pin-dir", pins])))
        print("-- dir1: xdpha detach ens33 --unpin")
        print(indent(try run(xdpha, ["detach", "ens33", "--unpin", "--pin-dir", pins])))
        for responder in responders { stop(responder) }
    }

    /// The site as keepalived + LVS-DR would have it: the VIP on dir1's ens33, checksum offload
    /// off where frames feed the XDP director, an XDP program on dir1's bridge port (XDP_TX
    /// frames leave a veth only towards a peer that runs one).
    private func prepareSite() async throws {
        try director.addAddress("\(DemoTopology.vip)/32", dev: "ens33")
        for host in [topology.client, director] {
            try host.run("ethtool", "-K", "ens33", "tx", "off")
        }
        for server in topology.realServers {
            try server.sysctl("net.ipv4.conf.lo.rp_filter", "0")
            try server.sysctl("net.ipv4.conf.ens33.rp_filter", "0")
        }
        let pass = try EntryProgram()
        let fd = await pass.passFD
        try topology.fabric.perform {
            try XDPAttachment.attach(programFD: fd, ifindex: XDPAttachment.ifindex(of: "p-dir1"), mode: .native)
        }
    }

    private func startResponder(_ index: Int, scripts: URL) throws -> Process {
        let server = topology.realServers[index]
        let process = try topology.lab.spawn(server, ["python3", scripts.appendingPathComponent("responder.py").path,
                                                      "rs\(index + 1)"])
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if let listening = try? server.run("ss", "-Htln", "sport", "= :80").output, listening.contains(":80") { break }
            usleep(50_000)
        }
        return process
    }

    /// Ends a responder by its PID (SIGTERM, then SIGKILL after 2 s).
    private func stop(_ process: Process) {
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    private func attach(_ servers: [(String, Int)], xdpha: URL, files: URL) throws -> String {
        var text = "virtual_server \(DemoTopology.vip) 80 {\n    protocol TCP\n    lvs_sched mh\n    mh-port\n    lb_kind DR\n"
        for (address, weight) in servers { text += "    real_server \(address) 80 { weight \(weight) }\n" }
        text += "}\n"
        let file = files.appendingPathComponent("keepalived.conf")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return try run(xdpha, ["attach", "ens33", "-f", file.path, "--pin-dir", pins])
    }

    /// 200 new connections from the client; one line with where they went.
    private func spread(batch: Int, files: URL) throws {
        let output = try topology.client.run("python3", files.appendingPathComponent("load.py").path, DemoTopology.vip,
                                             "80", "200").output
        var counts: [String: Int] = [:]
        for answer in output.split(separator: "\n") { counts[String(answer), default: 0] += 1 }
        let line = counts.keys.sorted().map { "\($0) \(String(repeating: "#", count: counts[$0]! / 5)) \(counts[$0]!)" }
        print("   batch \(batch): " + line.joined(separator: "   "))
    }

    /// `xdpha ARGS` in dir1's network namespace only, so its pins stay in the host's /sys/fs/bpf.
    private func run(_ xdpha: URL, _ arguments: [String]) throws -> String {
        try Command.run(["nsenter", "--net=/run/netns/\(director.name)", xdpha.path] + arguments).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "   " + $0 }.joined(separator: "\n")
    }
}

/// The Python the scene runs: a responder that answers with its name, and a client that opens
/// COUNT short connections and prints each answer.
enum DemoScripts {
    static func write(to directory: URL) throws {
        try responder.write(to: directory.appendingPathComponent("responder.py"), atomically: true, encoding: .utf8)
        try load.write(to: directory.appendingPathComponent("load.py"), atomically: true, encoding: .utf8)
    }

    static let responder = #"""
        import socket, sys, threading
        name = sys.argv[1].encode()
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("0.0.0.0", 80))
        server.listen(1024)

        def serve(connection):
            with connection:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = connection.recv(4096)
                    if not chunk:
                        return
                    data += chunk
                body = name + b"\n"
                connection.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))

        while True:
            connection, _ = server.accept()
            threading.Thread(target=serve, args=(connection,), daemon=True).start()
        """#

    static let load = #"""
        import socket, sys
        vip, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.settimeout(2)
            try:
                s.connect((vip, port))
                s.sendall(b"GET / HTTP/1.0\r\n\r\n")
                data = b""
                while True:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                print(data.split(b"\r\n\r\n", 1)[1].strip().decode() if b"\r\n\r\n" in data else "no-answer")
            except Exception as error:
                print("failed:" + type(error).__name__)
            finally:
                s.close()
        """#
}
