// Interface up/down changes as an AsyncStream: a NETLINK_ROUTE socket subscribed to
// RTNLGRP_LINK, read on a thread of its own. Like every socket it listens to the network
// namespace of the thread that creates the monitor.
import CNetlink
import Foundation

public final class LinkMonitor: Sendable {
    /// The changes, in the order the kernel sent them. Has one consumer; ends when the monitor
    /// stops (stop(), deinit, or the consumer cancelling its iteration).
    public let events: AsyncStream<LinkEvent>
    private let loop: ReadinessLoop

    /// Subscribes and starts reading. `bufferedEvents` bounds what waits for a slow consumer; past
    /// it the oldest events are dropped (a consumer that must not miss one reads promptly).
    public init(bufferedEvents: Int = 1024) throws(NetlinkError) {
        let reader = try LinkNotificationReader()
        let (events, continuation) = AsyncStream.makeStream(
            of: LinkEvent.self, bufferingPolicy: .bufferingNewest(bufferedEvents))
        self.events = events
        loop = try ReadinessLoop(
            descriptor: reader.descriptor, name: "xdpha-link-monitor",
            onReadable: { reader.readPending(into: continuation) },
            onExit: {
                continuation.finish()
                reader.close()
            })
        // onTermination runs under the stream's lock (e.g. when a consuming task is cancelled);
        // stop() waits for the thread, whose onExit finishes the stream and so needs that lock:
        // stop from elsewhere.
        continuation.onTermination = { [loop] _ in DispatchQueue.global().async { loop.stop() } }
    }

    deinit { loop.stop() }

    /// Stops reading and ends `events`. Returns once the reading thread is done.
    public func stop() { loop.stop() }
}

/// The socket and the parsing state of a monitor. Only the monitor's thread touches it after
/// init (that is what makes the unchecked Sendable true); libnl's callback reaches it through
/// the pointer registered with the socket.
private final class LinkNotificationReader: @unchecked Sendable {
    private var socket: NetlinkSocket?
    private var filter = LinkChangeFilter()
    /// Messages parsed by the callback during one nl_recvmsgs call.
    fileprivate var parsed: [(type: Int32, state: LinkState)] = []
    let descriptor: Int32

    init() throws(NetlinkError) {
        let socket = try NetlinkSocket()
        let handle = socket.handle
        // Notifications carry no sequence number of ours.
        nl_socket_disable_seq_check(handle)
        try checkLibnl("nl_socket_add_membership(RTNLGRP_LINK)",
                       nl_socket_add_membership(handle, Int32(RTNLGRP_LINK.rawValue)))
        try checkLibnl("nl_socket_set_nonblocking", nl_socket_set_nonblocking(handle))
        // Room for a burst (many VLANs going down with their parent) before the kernel drops.
        try checkLibnl("nl_socket_set_buffer_size", nl_socket_set_buffer_size(handle, 1 << 20, 0))
        self.socket = socket
        descriptor = socket.descriptor
        try checkLibnl("nl_socket_modify_cb", nl_socket_modify_cb(
            handle, NL_CB_VALID, NL_CB_CUSTOM, linkMessageCallback, Unmanaged.passUnretained(self).toOpaque()))
    }

    /// Reads what is waiting and yields the events it makes. False ends the loop.
    func readPending(into continuation: AsyncStream<LinkEvent>.Continuation) -> Bool {
        guard let socket else { return false }
        while true {
            parsed.removeAll(keepingCapacity: true)
            let result = nl_recvmsgs_default(socket.handle)
            for (type, state) in parsed {
                let event = type == Int32(RTM_DELLINK) ? filter.deletedLink(state) : filter.newLink(state)
                if let event { continuation.yield(event) }
            }
            if result >= 0 { continue }
            switch -result {
            case NLE_AGAIN: return true
            case NLE_INTR: continue
            case NLE_NOMEM:
                // ENOBUFS: the kernel overran the socket buffer and dropped notifications.
                filter.forgetAll()
                continuation.yield(.overrun)
                continue
            default:
                // A message libnl could not parse is skipped; anything else ends the monitor.
                if -result == NLE_PARSE_ERR || -result == NLE_MSGTYPE_NOSUPPORT { continue }
                return false
            }
        }
    }

    func close() { socket = nil }
}

/// libnl's per-message callback: parse RTM_NEWLINK / RTM_DELLINK into LinkState.
private let linkMessageCallback: nl_recvmsg_msg_cb_t = { message, argument in
    guard let message, let argument else { return Int32(NL_SKIP.rawValue) }
    let type = Int32(nlmsg_hdr(message).pointee.nlmsg_type)
    guard type == Int32(RTM_NEWLINK) || type == Int32(RTM_DELLINK) else { return Int32(NL_SKIP.rawValue) }
    let reader = Unmanaged<LinkNotificationReader>.fromOpaque(argument).takeUnretainedValue()
    var found: LinkState?
    withUnsafeMutablePointer(to: &found) { slot in
        _ = nl_msg_parse(message, { object, slot in
            guard let object, let slot else { return }
            slot.assumingMemoryBound(to: LinkState?.self).pointee = LinkState(link: object)
        }, slot)
    }
    if let found { reader.parsed.append((type, found)) }
    return Int32(NL_OK.rawValue)
}
