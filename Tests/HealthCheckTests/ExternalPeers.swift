import Foundation
import NetLab

// Debian's nginx and dnsmasq as real peers on 127.0.0.1, each in a temporary directory and
// killed by PID when the test ends.
final class ExternalProcess: @unchecked Sendable {
    let process: Process

    init(_ arguments: [String], log: URL) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}

enum Peers {
    static func temporaryDirectory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("xdpha-hc-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Waits until something accepts TCP connections on 127.0.0.1:port.
    static func waitForTCP(_ port: Int, timeout: TimeInterval = 5) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(fd)
            if result == 0 { return true }
            usleep(20_000)
        }
        return false
    }
}

/// nginx serving `www` (default) and `named` (server_name named.test / SNI sni.test) over HTTP
/// and HTTPS with self-signed certificates made by openssl.
final class NginxPeer: @unchecked Sendable {
    static let unavailableReason: String? = {
        if !FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") { return "needs nginx (apt-get install nginx-light)" }
        if !Command.exists("openssl") { return "needs openssl" }
        return nil
    }()

    let directory: URL
    let httpPort: Int
    let httpsPort: Int
    let defaultBody = "default site\n"
    let namedBody = "named site\n"
    private var process: ExternalProcess?

    var sniCertificate: String { directory.appendingPathComponent("sni.crt").path }

    init() throws {
        directory = try Peers.temporaryDirectory("nginx")
        httpPort = try Loopback.closedPort()
        httpsPort = try Loopback.closedPort()
        let dir = directory.path
        for site in ["www", "named"] {
            try FileManager.default.createDirectory(atPath: "\(dir)/\(site)", withIntermediateDirectories: true)
        }
        try defaultBody.write(toFile: "\(dir)/www/index.html", atomically: true, encoding: .utf8)
        try namedBody.write(toFile: "\(dir)/named/index.html", atomically: true, encoding: .utf8)
        for (name, subject) in [("default", "default.test"), ("sni", "sni.test")] {
            try Command.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                             "-subj", "/CN=\(subject)", "-keyout", "\(dir)/\(name).key", "-out", "\(dir)/\(name).crt"])
        }
        let configuration = """
        worker_processes 1;
        user root;
        events { worker_connections 64; }
        http {
            access_log off;
            client_body_temp_path \(dir)/tmp-body; proxy_temp_path \(dir)/tmp-proxy;
            fastcgi_temp_path \(dir)/tmp-fcgi; uwsgi_temp_path \(dir)/tmp-uwsgi; scgi_temp_path \(dir)/tmp-scgi;
            server { listen 127.0.0.1:\(httpPort) default_server; root \(dir)/www; location = /missing { return 404; } }
            server { listen 127.0.0.1:\(httpPort); server_name named.test; root \(dir)/named; }
            server { listen 127.0.0.1:\(httpsPort) ssl default_server; root \(dir)/www;
                     ssl_certificate \(dir)/default.crt; ssl_certificate_key \(dir)/default.key; }
            server { listen 127.0.0.1:\(httpsPort) ssl; server_name sni.test; root \(dir)/named;
                     ssl_certificate \(dir)/sni.crt; ssl_certificate_key \(dir)/sni.key; }
        }
        """
        try configuration.write(toFile: "\(dir)/nginx.conf", atomically: true, encoding: .utf8)
        process = try ExternalProcess(["/usr/sbin/nginx", "-e", "\(dir)/error.log", "-c", "\(dir)/nginx.conf",
                                       "-g", "daemon off; pid \(dir)/nginx.pid;"],
                                      log: directory.appendingPathComponent("stdout.log"))
        guard Peers.waitForTCP(httpPort), Peers.waitForTCP(httpsPort) else {
            let log = (try? String(contentsOfFile: "\(dir)/error.log", encoding: .utf8)) ?? ""
            stop()
            throw PeerError(message: "nginx did not start: \(log)")
        }
    }

    func stop() {
        process?.stop()
        process = nil
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }
}

/// dnsmasq answering x.test with 192.0.2.7 (an A record only) on 127.0.0.1:port.
final class DnsmasqPeer: @unchecked Sendable {
    static let unavailableReason: String? =
        FileManager.default.isExecutableFile(atPath: "/usr/sbin/dnsmasq") ? nil : "needs dnsmasq (apt-get install dnsmasq-base)"

    let port: Int
    private var process: ExternalProcess?
    private let directory: URL

    init() throws {
        directory = try Peers.temporaryDirectory("dnsmasq")
        port = try Loopback.closedPort(type: SOCK_DGRAM)
        process = try ExternalProcess(["/usr/sbin/dnsmasq", "--no-daemon", "--port=\(port)", "--listen-address=127.0.0.1",
                                       "--bind-interfaces", "--address=/x.test/192.0.2.7", "--no-resolv", "--no-hosts",
                                       "--pid-file=\(directory.path)/dnsmasq.pid", "--user=root"],
                                      log: directory.appendingPathComponent("dnsmasq.log"))
        // dnsmasq also listens on TCP on the same port once it is ready.
        guard Peers.waitForTCP(port) else {
            stop()
            let log = (try? String(contentsOf: directory.appendingPathComponent("dnsmasq.log"), encoding: .utf8)) ?? ""
            throw PeerError(message: "dnsmasq did not start: \(log)")
        }
    }

    func stop() {
        process?.stop()
        process = nil
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }
}

struct PeerError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Runs blocking setup (openssl, process start, waiting for a port) on a thread of its own, so
/// the two cooperative threads stay free for the timers of checks running in parallel.
enum Blocking {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }
}

/// Writes an executable script with the descriptor closed on exec, so that a process forked
/// meanwhile by a parallel test cannot hold it open (which makes exec fail with ETXTBSY).
func writeScript(_ path: String, _ body: String, mode: mode_t = 0o755) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard fd >= 0 else { throw PeerError(message: "cannot create \(path)") }
    let bytes = Array("#!/bin/sh\n\(body)\n".utf8)
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    chmod(path, mode)
}

/// Whether `pid` is a live process (a zombie left for an absent reaper does not count).
func isRunning(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return false }
    let state = stat[stat.index(close, offsetBy: 2)]
    return state != "Z" && state != "X"
}
