// The one owner of a libnl generic netlink socket: resolves a family, sends a request and
// collects either the acknowledgement or the messages of a dump. Message contents are plain
// bytes built and read elsewhere. Not thread-safe on its own; IPVSClient serialises its use.
import CNetlink
import Foundation

final class GenericNetlinkSocket {
    private let socket: OpaquePointer
    let family: Int32

    /// How long one reply may take before the request counts as failed.
    static let replyTimeout = timeval(tv_sec: 10, tv_usec: 0)

    /// Opens a socket and resolves `familyName`; throws `.unavailable` when the kernel has no
    /// such family. The socket belongs to the network namespace of the calling thread.
    init(familyName: String) throws(IPVSError) {
        guard let socket = nl_socket_alloc() else {
            throw .netlink(operation: "open generic netlink socket", message: "out of memory")
        }
        self.socket = socket
        var code = genl_connect(socket)
        guard code == 0 else {
            nl_socket_free(socket)
            throw .netlink(operation: "connect generic netlink socket", message: GenericNetlinkSocket.text(code))
        }
        var timeout = GenericNetlinkSocket.replyTimeout
        _ = setsockopt(nl_socket_get_fd(socket), SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        code = genl_ctrl_resolve(socket, familyName)
        guard code >= 0 else {
            nl_socket_free(socket)
            if -code == NLE_OBJ_NOTFOUND { throw .unavailable }
            throw .netlink(operation: "resolve generic netlink family \(familyName)", message: GenericNetlinkSocket.text(code))
        }
        family = code
    }

    deinit { nl_socket_free(socket) }

    /// Sends the request and waits for its end: the acknowledgement, or the end of a dump.
    /// Returns each dump message's attributes (after the generic netlink header).
    @discardableResult
    func perform(command: UInt8, version: UInt8, dump: Bool, attributes: [UInt8],
                 operation: String) throws(IPVSError) -> [[UInt8]] {
        guard let message = nlmsg_alloc() else {
            throw .netlink(operation: operation, message: "out of memory")
        }
        defer { nlmsg_free(message) }
        guard genlmsg_put(message, UInt32(NL_AUTO_PORT), UInt32(NL_AUTO_SEQ), family, 0,
                          dump ? NLM_F_DUMP : 0, command, version) != nil else {
            throw .netlink(operation: operation, message: "cannot build the message header")
        }
        if !attributes.isEmpty {
            var payload = attributes
            let code = payload.withUnsafeMutableBytes { nlmsg_append(message, $0.baseAddress, $0.count, Int32(NLMSG_ALIGNTO)) }
            guard code == 0 else { throw .netlink(operation: operation, message: GenericNetlinkSocket.text(code)) }
        }
        let sent = nl_send_auto(socket, message)
        guard sent >= 0 else { throw .netlink(operation: operation, message: GenericNetlinkSocket.text(sent)) }
        return try receive(operation: operation)
    }

    /// Reads until the acknowledgement, an error or the end of a dump.
    private func receive(operation: String) throws(IPVSError) -> [[UInt8]] {
        let collector = ReplyCollector()
        guard let callbacks = nl_cb_alloc(NL_CB_DEFAULT) else {
            throw .netlink(operation: operation, message: "out of memory")
        }
        defer { nl_cb_put(callbacks) }
        let context = Unmanaged.passUnretained(collector).toOpaque()
        nl_cb_set(callbacks, NL_CB_VALID, NL_CB_CUSTOM, ReplyCollector.onMessage, context)
        nl_cb_set(callbacks, NL_CB_ACK, NL_CB_CUSTOM, ReplyCollector.onEnd, context)
        nl_cb_set(callbacks, NL_CB_FINISH, NL_CB_CUSTOM, ReplyCollector.onEnd, context)
        nl_cb_err(callbacks, NL_CB_CUSTOM, ReplyCollector.onError, context)
        while !collector.finished && collector.errno == 0 {
            let code = withExtendedLifetime(collector) { nl_recvmsgs(socket, callbacks) }
            if collector.errno != 0 { break }
            if code < 0 {
                throw .netlink(operation: operation, message: GenericNetlinkSocket.text(code))
            }
        }
        if collector.errno != 0 { throw .kernel(operation: operation, errno: collector.errno) }
        return collector.messages
    }

    static func text(_ code: Int32) -> String { String(cString: nl_geterror(code)) }
}

/// Collects what libnl's callbacks see during one receive.
private final class ReplyCollector {
    var messages: [[UInt8]] = []
    var finished = false
    var errno: Int32 = 0

    static func from(_ context: UnsafeMutableRawPointer?) -> ReplyCollector {
        Unmanaged<ReplyCollector>.fromOpaque(context!).takeUnretainedValue()
    }

    static let onMessage: nl_recvmsg_msg_cb_t = { message, context in
        let header = nlmsg_hdr(message)!
        let genericHeader = nlmsg_data(header).assumingMemoryBound(to: genlmsghdr.self)
        let length = Int(genlmsg_attrlen(genericHeader, 0))
        let start = UnsafeRawPointer(genlmsg_attrdata(genericHeader, 0))
        from(context).messages.append(length > 0 && start != nil
            ? Array(UnsafeRawBufferPointer(start: start, count: length)) : [])
        return Int32(NL_OK.rawValue)
    }

    static let onEnd: nl_recvmsg_msg_cb_t = { _, context in
        from(context).finished = true
        return Int32(NL_STOP.rawValue)
    }

    static let onError: nl_recvmsg_err_cb_t = { _, error, context in
        // nlmsgerr.error is the negative errno.
        from(context).errno = -(error?.pointee.error ?? -EIO)
        return Int32(NL_STOP.rawValue)
    }
}
