// Two namespaces joined by a veth pair, a wire tap, and waiting with deadlines.
import CLinux
import Foundation
import NetLab
import Netlink

/// Hosts `a` and `b`, each with an `eth0` facing the other, on 192.0.2.0/24 and 2001:db8::/64.
struct TwoHosts {
    let lab: Lab
    let a: NetworkNamespace
    let b: NetworkNamespace

    init(_ name: String) throws {
        lab = try Lab(name)
        a = try lab.namespace("a")
        b = try lab.namespace("b")
        try lab.link(a, "eth0", b, "eth0")
        try a.addAddress("192.0.2.1/24", dev: "eth0")
        try b.addAddress("192.0.2.2/24", dev: "eth0")
        try a.addAddress("2001:db8::1/64", dev: "eth0")
        try b.addAddress("2001:db8::2/64", dev: "eth0")
    }
}

struct CaptureError: Error { let reason: String }

/// Frames arriving on one interface of a namespace, read through an AF_PACKET socket: what
/// tcpdump would show, without parsing its text.
final class FrameCapture: Sendable {
    private let descriptor: Int32

    init(_ ns: NetworkNamespace, dev: String, etherType: UInt16) throws {
        let ifindex = try ns.ifindex(dev)
        descriptor = try ns.perform {
            let fd = xdpha_packet_open(ifindex, etherType)
            guard fd >= 0 else { throw CaptureError(reason: "AF_PACKET: \(String(cString: strerror(errno)))") }
            return fd
        }
    }

    deinit { close(descriptor) }

    /// The first received (not sent) frame that matches, waiting up to `seconds`.
    func next(within seconds: Double = 3, where matches: ([UInt8]) -> Bool) -> [UInt8]? {
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 9000)
        while Date() < deadline {
            var watched = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&watched, 1, 20)
            while true {
                var outgoing: Int32 = 0
                let count = buffer.withUnsafeMutableBytes { xdpha_packet_receive(descriptor, $0.baseAddress, $0.count, &outgoing) }
                if count < 0 { break }
                let frame = Array(buffer[0..<count])
                if outgoing == 0 && matches(frame) { return frame }
            }
        }
        return nil
    }
}

/// Collects what a stream yields, so a test can wait for one element after another without
/// cancelling the stream (cancelling an AsyncStream's iteration ends it).
actor Recorder<Element: Sendable> {
    private(set) var seen: [Element] = []
    private(set) var isFinished = false

    init(_ stream: AsyncStream<Element>) {
        Task { await self.consume(stream) }
    }

    private func consume(_ stream: AsyncStream<Element>) {
        Task {
            for await element in stream { self.append(element) }
            self.finish()
        }
    }

    private func append(_ element: Element) { seen.append(element) }
    private func finish() { isFinished = true }

    /// The first element that matches, waiting up to `seconds`.
    func first(within seconds: Double = 3, where matches: @Sendable (Element) -> Bool) async -> Element? {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let found = seen.first(where: matches) { return found }
            if Date() > deadline { return nil }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// Polls `body` until it returns non-nil or `seconds` pass.
func eventually<T>(within seconds: Double = 3, _ body: () async throws -> T?) async rethrows -> T? {
    let deadline = Date().addingTimeInterval(seconds)
    while true {
        if let value = try await body() { return value }
        if Date() > deadline { return nil }
        try? await Task.sleep(for: .milliseconds(20))
    }
}

extension NetworkNamespace {
    /// The link-layer address `ip neigh` shows for `address` on `dev`, nil when none.
    func neighbourMAC(_ address: String, dev: String) throws -> String? {
        let json = try run("ip", "-j", "neigh", "show", address, "dev", dev).output
        let entries = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] ?? []
        return entries.first?["lladdr"] as? String
    }

    /// The interface's IPv6 link-local address as `ip` shows it.
    func linkLocal(dev: String) throws -> InetAddress? {
        let out = try run("ip", "-6", "-o", "addr", "show", "dev", dev, "scope", "link").output
        guard let field = out.split(separator: " ").first(where: { $0.hasPrefix("fe80") }) else { return nil }
        return InetAddress(String(field.split(separator: "/")[0]))
    }
}
