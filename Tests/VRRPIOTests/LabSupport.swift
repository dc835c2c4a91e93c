// A wire tap and what the VRRP I/O lab tests read back from iproute2 (TwoHosts and EventRecorder live in NetLab).
import CLinux
import Foundation
import NetLab
import Netlink

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
