// Where adverts come in and which runner they go to: raw sockets (one per interface and family,
// dispatched by VRID) and the XDP stage's ring buffer (dispatched by its key).
import BPF
import Foundation
import Logging
import Netlink
import VRRPIO

/// Routes inputs to runners by (ifindex, family, VRID); swapped whole on reload.
final class RunnerDirectory: @unchecked Sendable {
    struct Key: Hashable { let ifindex: Int32; let ipv6: Bool; let vrid: UInt8 }
    private let lock = NSLock()
    private var runners: [Key: VirtualRouterRunner] = [:]

    func set(_ all: [VirtualRouterRunner]) {
        var table: [Key: VirtualRouterRunner] = [:]
        for runner in all {
            table[Key(ifindex: runner.plan.ifindex, ipv6: runner.plan.family == .ipv6,
                      vrid: runner.plan.configuration.virtualRouterID)] = runner
        }
        lock.withLock { runners = table }
    }

    func runner(ifindex: Int32, ipv6: Bool, vrid: UInt8) -> VirtualRouterRunner? {
        lock.withLock { runners[Key(ifindex: ifindex, ipv6: ipv6, vrid: vrid)] }
    }

    var all: [VirtualRouterRunner] { lock.withLock { Array(runners.values) } }
}

/// One raw socket per (interface, family) for the instances that use the socket path.
final class SocketIntake: Sendable {
    private let receiver: VRRPReceiver
    private let task: Task<Void, Never>

    init(ifindex: Int32, family: InetAddress.Family, directory: RunnerDirectory, logger: Logger) throws {
        let receiver = try VRRPReceiver(family: family, ifindex: ifindex, joinsGroup: true)
        self.receiver = receiver
        task = Task {
            for await packet in receiver.packets {
                // Byte 1 of every VRRP message is the VRID; validation is the runner's.
                guard packet.payload.count >= 2,
                      let runner = directory.runner(ifindex: packet.ifindex, ipv6: family == .ipv6,
                                                    vrid: packet.payload[1]) else {
                    RateLimitedLog.shared.warn(logger, key: "unknown-vrid-\(ifindex)",
                                               "advert for a VRID not configured here", metadata: ["from": "\(packet.source)"])
                    continue
                }
                runner.send(.packet(packet))
            }
        }
    }

    func stop() {
        receiver.close()
        task.cancel()
    }
}

/// Wakes runners from the XDP stage's ring buffer; the thread only waits for readiness, the
/// records are read through the EntryProgram actor.
final class XDPIntake: Sendable {
    private let loop: ReadinessLoop
    private let task: Task<Void, Never>
    private let wakeups: AsyncStream<Void>.Continuation

    init(program: EntryProgram, directory: RunnerDirectory) throws {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        wakeups = continuation
        // Level-triggered readiness: after signalling, wait until the records were consumed.
        let consumed = DispatchSemaphore(value: 0)
        loop = try ReadinessLoop(descriptor: program.vrrpEventReadinessFD, name: "xdpha-vrrp-ring",
                                 onReadable: {
                                     continuation.yield()
                                     // Wait for the records to be read, or the fd stays readable.
                                     _ = consumed.wait(timeout: .now() + .milliseconds(100))
                                     return true
                                 }, onExit: {})
        task = Task {
            for await _ in stream {
                let events = (try? await program.consumeVRRPEvents()) ?? []
                consumed.signal()
                for event in events {
                    let key = event.key
                    directory.runner(ifindex: Int32(key.ifindex), ipv6: key.family == .ipv6, vrid: key.vrid)?
                        .send(.xdpWake(event.advert, event.reasons))
                }
            }
        }
    }

    func stop() {
        wakeups.finish()
        task.cancel()
        DispatchQueue.global().async { [loop] in loop.stop() }
    }
}
