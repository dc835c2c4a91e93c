// What the link monitor reports.

public enum LinkEvent: Hashable, Sendable {
    /// An interface's up/down state (administrative, running or operational) differs from the
    /// last one reported for it, or the interface is reported for the first time.
    case changed(LinkState)
    /// The interface is gone.
    case removed(ifindex: Int32, name: String)
    /// The kernel dropped notifications because the monitor's socket buffer was full: states
    /// may have changed unseen, so read the links you care about again.
    case overrun
}

/// Keeps the last reported up/down facts of each interface and says which messages change them:
/// the kernel sends RTM_NEWLINK for many reasons (MTU, addresses of the link, statistics of a
/// bridge port) that do not matter to VRRP.
struct LinkChangeFilter {
    private struct UpDown: Equatable {
        var administrativelyUp: Bool
        var running: Bool
        var operational: OperationalState
    }

    private var last: [Int32: UpDown] = [:]

    /// The event to report for a new-link message, or nil when nothing that matters changed.
    mutating func newLink(_ state: LinkState) -> LinkEvent? {
        let now = UpDown(administrativelyUp: state.isAdministrativelyUp, running: state.isRunning,
                         operational: state.operationalState)
        guard last[state.ifindex] != now else { return nil }
        last[state.ifindex] = now
        return .changed(state)
    }

    mutating func deletedLink(_ state: LinkState) -> LinkEvent {
        last[state.ifindex] = nil
        return .removed(ifindex: state.ifindex, name: state.name)
    }

    /// After lost notifications nothing known is trusted: every interface reports anew.
    mutating func forgetAll() { last.removeAll() }
}
