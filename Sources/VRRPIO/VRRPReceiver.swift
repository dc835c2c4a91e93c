// Receives VRRP packets on one interface through a raw socket: the path used where the XDP
// stage cannot attach. A thread of its own reads and feeds an AsyncStream.
import CLinux
import Foundation
import Netlink

public final class VRRPReceiver: Sendable {
    public let family: InetAddress.Family
    public let ifindex: Int32
    /// The packets, in arrival order. Has one consumer; ends when the receiver closes (close(),
    /// deinit, or the consumer cancelling its iteration).
    public let packets: AsyncStream<ReceivedVRRPPacket>
    private let loop: ReadinessLoop

    /// Opens the socket in the calling thread's network namespace and starts reading.
    /// - joinsGroup: join 224.0.0.18 / ff02::12 on the interface; unicast-only peers need not.
    /// - bufferedPackets: what waits for a slow consumer; past it the oldest are dropped.
    /// - socketBufferBytes: the kernel's receive buffer for bursts (many virtual routers with
    ///   short intervals) while the thread is not scheduled; raised past rmem_max when root.
    public init(family: InetAddress.Family, ifindex: Int32, joinsGroup: Bool = true,
                bufferedPackets: Int = 1024, socketBufferBytes: Int32 = 1 << 20) throws(VRRPIOError) {
        self.family = family
        self.ifindex = ifindex
        let fd = try VRRPRawSocket.open(family: family, ifindex: ifindex)
        var bufferBytes = socketBufferBytes
        let size = socklen_t(MemoryLayout<Int32>.size)
        if setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufferBytes, size) != 0 {
            try configure(fd, "SO_RCVBUF \(bufferBytes)", setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufferBytes, size))
        }
        try configure(fd, "receive pktinfo and TTL / hop limit", xdpha_inet_enable_receive_meta(fd, family.socketFamily))
        if joinsGroup {
            var group = VRRPTransport.group(family).cAddress
            try configure(fd, "join \(VRRPTransport.group(family)) on interface \(ifindex)",
                          xdpha_inet_join_group(fd, &group, ifindex))
        }
        let (packets, continuation) = AsyncStream.makeStream(
            of: ReceivedVRRPPacket.self, bufferingPolicy: .bufferingNewest(bufferedPackets))
        self.packets = packets
        let reader = PacketReader(descriptor: fd, family: family)
        do {
            loop = try ReadinessLoop(
                descriptor: fd, name: "xdpha-vrrp-rx-\(ifindex)",
                onReadable: { reader.readPending(into: continuation) },
                onExit: {
                    continuation.finish()
                    Glibc.close(fd)
                })
        } catch {
            Glibc.close(fd)
            if case .system(let operation, let code) = error {
                throw VRRPIOError.system(operation: "receive thread: \(operation)", errno: code)
            }
            throw VRRPIOError.system(operation: "receive thread: \(error)", errno: EIO)
        }
        // onTermination runs under the stream's lock (e.g. when a consuming task is cancelled);
        // stop() waits for the thread, whose onExit finishes the stream and so needs that lock:
        // stop from elsewhere.
        continuation.onTermination = { [loop] _ in DispatchQueue.global().async { loop.stop() } }
    }

    deinit { loop.stop() }

    /// Stops reading, ends `packets` and closes the socket (leaving the group).
    public func close() { loop.stop() }
}

/// Reads datagrams and turns them into packets. Used only by the receive thread (that makes the
/// unchecked Sendable true): the buffer is reused from read to read.
private final class PacketReader: @unchecked Sendable {
    private let descriptor: Int32
    private let family: InetAddress.Family
    private var buffer = [UInt8](repeating: 0, count: 65_536)

    init(descriptor: Int32, family: InetAddress.Family) {
        self.descriptor = descriptor
        self.family = family
    }

    /// Reads until nothing waits. False (ending the loop) when the socket fails for good.
    func readPending(into continuation: AsyncStream<ReceivedVRRPPacket>.Continuation) -> Bool {
        while true {
            var meta = xdpha_received_meta()
            let count = buffer.withUnsafeMutableBytes { xdpha_inet_receive(descriptor, $0.baseAddress, $0.count, &meta) }
            if count < 0 {
                switch errno {
                case EAGAIN, EWOULDBLOCK: return true
                case EINTR: continue
                // ICMP errors reported on the socket do not stop reception.
                case ECONNREFUSED, EHOSTUNREACH, ENETUNREACH: continue
                default: return false
                }
            }
            if meta.truncated != 0 { continue }
            if let packet = packet(Array(buffer[0..<count]), meta) {
                continuation.yield(packet)
            }
        }
    }

    /// nil for what is not a whole VRRP packet with its addresses known.
    private func packet(_ bytes: [UInt8], _ meta: xdpha_received_meta) -> ReceivedVRRPPacket? {
        switch family {
        case .ipv4:
            // IPv4 raw sockets deliver the IP header too; its fields are the packet's own.
            guard let header = IPv4PacketHeader(parsing: bytes),
                  header.protocolNumber == UInt8(VRRPTransport.ipProtocol) else { return nil }
            return ReceivedVRRPPacket(
                ifindex: meta.ifindex, source: header.source, destination: header.destination,
                hopLimit: meta.hop_limit >= 0 ? UInt8(clamping: meta.hop_limit) : header.timeToLive,
                payload: Array(bytes[header.headerLength..<header.totalLength]))
        case .ipv6:
            guard let source = InetAddress(meta.source), let destination = InetAddress(meta.destination),
                  meta.hop_limit >= 0 else { return nil }
            return ReceivedVRRPPacket(ifindex: meta.ifindex, source: source, destination: destination,
                                      hopLimit: UInt8(clamping: meta.hop_limit), payload: bytes)
        }
    }
}
