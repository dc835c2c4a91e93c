// Sends gratuitous ARP frames out of one interface through an AF_PACKET socket.
import CLinux
import Foundation
import Netlink

public final class GratuitousARPSender: @unchecked Sendable {
    public let ifindex: Int32
    private let lock = NSLock()
    /// nil once closed; guarded by `lock`.
    private var descriptor: Int32?

    /// Opens the socket in the calling thread's network namespace. It receives nothing.
    public init(ifindex: Int32) throws(VRRPIOError) {
        self.ifindex = ifindex
        descriptor = try checkSystem("AF_PACKET socket on interface \(ifindex)", xdpha_packet_open(ifindex, 0))
    }

    deinit { close() }

    /// Announces that `address` (IPv4) is at `mac`: the interface's own MAC, or the virtual
    /// router's MAC when the instance uses one.
    public func announce(_ address: InetAddress, at mac: MACAddress) throws(VRRPIOError) {
        let frame = try ARPAnnouncement.frame(announcing: address, at: mac)
        lock.lock()
        defer { lock.unlock() }
        guard let fd = descriptor else { throw VRRPIOError.closed }
        let sent = frame.withUnsafeBytes { xdpha_packet_send(fd, ifindex, $0.baseAddress, $0.count) }
        try checkSystem("gratuitous ARP for \(address) on interface \(ifindex)", sent)
    }

    public func close() {
        lock.withLock {
            if let fd = descriptor { Glibc.close(fd) }
            descriptor = nil
        }
    }
}
