// Everything that can happen to a running virtual router, delivered through one queue so that
// each input's actions (addresses, adverts, scripts) finish before the next input is looked at.
import BPF
import VRRP
import VRRPIO

enum RouterInput: Sendable {
    case event(VRRPEvent)
    /// An advert read from the raw socket (the socket reception path).
    case packet(ReceivedVRRPPacket)
    /// The XDP stage woke us: something about the master changed, or its Master_Down_Timer expired.
    case xdpWake(VRRPReceivedAdvert, VRRPWakeReasons)
    /// Re-evaluate what the kernel must know (preempt_delay ended).
    case resyncKernel
    case timer(VRRPTimer)
    /// Graceful stop: priority 0 advert, addresses removed, then `done` resumes.
    case stop(done: @Sendable () -> Void)
}

/// How adverts reach a runner.
enum ReceptionPath: Sendable {
    /// The raw socket delivers every advert; the runner validates it.
    case socket
    /// The XDP stage validates in the kernel and records the last advert; the runner reads the
    /// record on its own timer and is woken only when something changes.
    case xdp(EntryProgram, VRRPReceptionKey)

    var name: String {
        switch self {
        case .socket: return "socket"
        case .xdp: return "xdp"
        }
    }
}
