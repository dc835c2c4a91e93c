// vrrp_track_process: which running processes match, and whether their number keeps the tracker
// up. Pure; `ProcessTable` reads /proc for it.
//
// Matching (keepalived.conf(5)): the name is compared with the process's `comm` (which the
// kernel cuts to 15 bytes), or with argv[0] under `full_command`. Given parameters are compared
// with argv[1...]: exactly by default, as a prefix of them with `param_match initial`, and with
// `param_match partial` the last given parameter need only start the process's one.
import Config

struct ProcessMatcher: Sendable, Hashable {
    let definition: TrackProcess

    func matches(_ process: ProcessTable.Entry) -> Bool {
        if definition.fullCommand {
            guard process.arguments.first == definition.process else { return false }
        } else {
            guard process.name == String(decoding: definition.process.utf8.prefix(15), as: UTF8.self) else { return false }
        }
        let wanted = definition.parameters
        guard !wanted.isEmpty else { return true }
        let actual = Array(process.arguments.dropFirst())
        switch definition.parameterMatch {
        case .exact:
            return actual == wanted
        case .initial:
            return actual.count >= wanted.count && Array(actual.prefix(wanted.count)) == wanted
        case .partial:
            guard actual.count >= wanted.count else { return false }
            let last = wanted.count - 1
            return Array(actual.prefix(last)) == Array(wanted.prefix(last)) && actual[last].hasPrefix(wanted[last])
        }
    }

    /// Up while quorum <= count <= quorum_max.
    func isUp(count: Int) -> Bool {
        count >= definition.quorum && definition.quorumMax.map { count <= $0 } ?? true
    }
}

/// A process tracker's state with fork_delay / terminate_delay: a change of the count's verdict
/// takes effect only once it has lasted that long.
struct ProcessTrackerState: Sendable {
    let matcher: ProcessMatcher
    private(set) var isUp: Bool
    private var pendingSince: Double?

    init(_ matcher: ProcessMatcher, isUp: Bool) {
        self.matcher = matcher
        self.isUp = isUp
    }

    /// Records a count seen at `now` (seconds); returns true when the tracker changed state.
    mutating func observe(count: Int, at now: Double) -> Bool {
        let verdict = matcher.isUp(count: count)
        guard verdict != isUp else {
            pendingSince = nil
            return false
        }
        let since = pendingSince ?? now
        pendingSince = since
        let delay = verdict ? matcher.definition.forkDelay : matcher.definition.terminateDelay
        guard now - since >= delay else { return false }
        isUp = verdict
        pendingSince = nil
        return true
    }
}
