// A dedicated thread that waits for a descriptor to become readable and calls a handler each
// time, until it is stopped: the bridge from blocking socket reads (netlink notifications, the
// VRRP raw socket) to Swift concurrency, where the handler feeds an AsyncStream.
//
// The thread waits in poll(2) on the descriptor and on a pipe; stop() writes to the pipe, so the
// thread leaves at once, with no timeout to wait out. The descriptor itself is not closed here:
// `onExit` runs last on the thread, after its final use of the descriptor, and is where the
// owner closes it, so a descriptor number can never be reused while the thread still polls it.
import Foundation

public final class ReadinessLoop: @unchecked Sendable {
    private let lock = NSLock()
    private let exited = DispatchSemaphore(value: 0)
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private var stopping = false
    private var loopThread: pthread_t?

    /// Starts the thread. `onReadable` runs on it whenever `descriptor` is readable (or has an
    /// error or hang-up to report) and returns false to end the loop; `onExit` runs on it once,
    /// last, however the loop ended.
    public init(descriptor: Int32, name: String,
                onReadable: @escaping @Sendable () -> Bool,
                onExit: @escaping @Sendable () -> Void) throws(NetlinkError) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw NetlinkError.system(operation: "pipe", errno: errno) }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
        }
        wakeRead = ends[0]
        wakeWrite = ends[1]
        let thread = Thread { [self] in
            lock.withLock { loopThread = pthread_self() }
            run(descriptor: descriptor, onReadable: onReadable)
            onExit()
            close(wakeRead)
            exited.signal()
        }
        thread.name = name
        thread.start()
    }

    deinit {
        // The thread holds a strong reference to the loop until it exits, so deinit runs only
        // after it has: just close the write end.
        close(wakeWrite)
    }

    /// Ends the loop. From any other thread it returns only after the loop thread has run
    /// `onExit`; from the loop thread itself (a handler that stops its own loop) it returns at
    /// once and the loop ends when the handler returns. Calling it again does nothing.
    public func stop() {
        let (first, onLoopThread) = lock.withLock { () -> (Bool, Bool) in
            let first = !stopping
            stopping = true
            return (first, loopThread.map { pthread_equal($0, pthread_self()) != 0 } ?? false)
        }
        guard first else { return }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
        if !onLoopThread {
            exited.wait()
        }
    }

    private var isStopping: Bool { lock.withLock { stopping } }

    private func run(descriptor: Int32, onReadable: () -> Bool) {
        var watched = [
            pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
        ]
        while !isStopping {
            watched[0].revents = 0
            watched[1].revents = 0
            let ready = poll(&watched, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if watched[1].revents != 0 || isStopping { return }
            if watched[0].revents != 0 && !onReadable() { return }
        }
    }
}
