// The ring buffer through which the VRRP reception stage wakes the control plane (vrrp_events).
// A libbpf ring_buffer calls a C callback per record; the callback cannot capture, so it gets
// this ring's inbox as its context pointer and appends decoded events there.
import CBPF
import CXDPHA
import Foundation

final class VRRPEventRing {
    /// Decoded events between a poll and its return. Only touched on the polling thread.
    private final class Inbox {
        var events: [VRRPReceptionEvent] = []
    }

    private let map: BPFMap          // the ring maps this map: keep it (and its object) alive
    private let inbox = Inbox()
    private let handle: OpaquePointer

    init(map: BPFMap) throws {
        self.map = map
        let context = Unmanaged.passUnretained(inbox).toOpaque()
        let ring = ring_buffer__new(map.fd, { context, data, size in
            // A record shorter than the shared layout cannot come from our program; skip it.
            guard let context, let data, size >= MemoryLayout<xdpha_vrrp_event>.size else { return 0 }
            let inbox = Unmanaged<Inbox>.fromOpaque(context).takeUnretainedValue()
            let raw = data.loadUnaligned(as: xdpha_vrrp_event.self)
            if let event = VRRPReceptionEvent(raw) { inbox.events.append(event) }
            return 0
        }, context, nil)
        guard let ring else { throw BPFError("open ring buffer \(map.name)", code: errno == 0 ? EINVAL : errno) }
        handle = ring
    }

    deinit { ring_buffer__free(handle) }

    /// An epoll descriptor that turns readable when events wait; poll it, then `consume()`.
    var readinessFD: Int32 { ring_buffer__epoll_fd(handle) }

    /// Waits up to `timeoutMilliseconds` (0: not at all) for events and returns those that came.
    func poll(timeoutMilliseconds: Int32) throws -> [VRRPReceptionEvent] {
        let result = ring_buffer__poll(handle, timeoutMilliseconds)
        if result < 0 && result != -EINTR { try BPFError.check(result, "poll ring buffer \(map.name)") }
        return drain()
    }

    /// Returns the events already waiting, without blocking.
    func consume() throws -> [VRRPReceptionEvent] {
        let result = ring_buffer__consume(handle)
        if result < 0 && result != -EINTR { try BPFError.check(result, "consume ring buffer \(map.name)") }
        return drain()
    }

    private func drain() -> [VRRPReceptionEvent] {
        defer { inbox.events.removeAll(keepingCapacity: true) }
        return inbox.events
    }
}
