// A steady master's adverts, sent from the timer thread. With 255 instances at 10 ms a master
// spent 25 us per advert, most of it on the way from the timer thread to the runner and back
// (an AsyncStream yield, a cooperative thread woken, the state machine, an advert encoded into
// fresh arrays, the timer re-armed with a new closure); sent from here, 10 us, three quarters
// of it the kernel's sendmsg (in the lab that includes the bridge's and the other namespaces'
// receive work, charged to the sender). Between two changes of
// state or configuration every advert of a master is the same bytes, so the runner encodes
// them once (`replace`) and the timer thread sends them and re-arms itself: one send and one
// heap insert per advert. The runner stays the owner of what is sent: it replaces the bytes
// whenever the state machine's advert changes (effective priority) and stops them before it
// sends anything else (priority 0, a transition), so nothing stale leaves after that.
import Foundation
import Logging
import Netlink
import VRRP
import VRRPIO

final class SteadyAdverts: @unchecked Sendable {
    /// One advert ready to leave: the encoded message and the addresses it was encoded for
    /// (nil: the family's group, the kernel's choice of source; see VRRPSender.send).
    struct Message: Sendable {
        var payload: [UInt8]
        var destination: InetAddress?
        var source: InetAddress?
    }

    private let sender: VRRPSender
    private let timerID: UInt64
    private let onError: @Sendable (Error, InetAddress?) -> Void
    private let lock = NSLock()
    // Guarded by `lock`: held across a send, so that after `stop()` returns nothing more leaves.
    private var messages: [Message] = []
    private var interval: Duration = .seconds(1)
    private var running = false
    /// Adverts sent so far (counted here, under the lock a send holds anyway).
    private var sent = 0
    /// Made once: a closure per re-arm would be an allocation per advert.
    private var fireAction: (@Sendable () -> Void)?

    init(sender: VRRPSender, timerID: UInt64, onError: @escaping @Sendable (Error, InetAddress?) -> Void) {
        self.sender = sender
        self.timerID = timerID
        self.onError = onError
        fireAction = { [weak self] in self?.fire() }
    }

    /// The messages sent from now on (the deadline stays as it is).
    func replace(_ messages: [Message], interval: Duration) {
        lock.withLock {
            self.messages = messages
            self.interval = interval
        }
    }

    /// Sends the messages at `deadline` and then every interval after each send (RFC 5798
    /// 6.4.3: Adver_Timer reset to Advertisement_Interval when it fires), until `stop()`.
    func start(at deadline: MonotonicInstant) {
        lock.withLock {
            running = true
            schedule(at: deadline)
        }
    }

    /// Stops the adverts; when this returns none is being sent and none will be.
    func stop() {
        lock.withLock {
            running = false
            TimerScheduler.shared.cancel(timerID)
        }
    }

    var isRunning: Bool { lock.withLock { running } }

    var sentCount: Int { lock.withLock { sent } }

    /// Lock held. Re-arming under the lock orders it with `stop()`: a stop either comes first
    /// (and `fire` sends nothing) or cancels this arming.
    private func schedule(at deadline: MonotonicInstant) {
        guard let fireAction else { return }
        TimerScheduler.shared.schedule(timerID, at: deadline, fireAction)
    }

    /// On the timer thread.
    private func fire() {
        lock.withLock {
            guard running else { return }
            for message in messages {
                do {
                    try sender.send(message.payload, to: message.destination, from: message.source)
                    sent += 1
                } catch {
                    onError(error, message.destination)
                }
            }
            schedule(at: MonotonicClock.now().advanced(by: interval))
        }
    }
}
