// Link changes as VRRP sees them: the instance's own interface going down is FAULT; a tracked
// interface moves the priority by its weight (weight 0: FAULT), as keepalived does.
import Config
import Foundation
import Logging
import Netlink
import VRRP

enum LinkEvents {
    static func deliver(_ event: LinkEvent, to runners: [VirtualRouterRunner], logger: Logger) {
        guard case .changed(let link) = event else { return }
        for runner in runners {
            if link.name == runner.plan.interfaceName {
                runner.send(.event(link.isUp ? .interfaceUp : .interfaceDown))
            }
            if let weight = runner.plan.trackedInterfaces[link.name] {
                runner.send(.event(.trackerChanged(TrackerStatus(name: "interface \(link.name)", weight: weight, isUp: link.isUp))))
            }
        }
    }
}

/// vrrp_sync_group: when one member enters FAULT the others follow, and they leave it together.
/// Only a member's own fault is passed on: a FAULT that the group itself caused is not echoed
/// back, or two members would hold each other in FAULT for ever.
///
/// When every member has reached the same state, the group's own notify scripts run (and the
/// notify FIFO gets a GROUP line), once per group transition, after the member's own.
struct SyncGroupRelay: Sendable {
    static let trackerPrefix = "sync_group "
    let directory: RunnerDirectory
    let groups: SyncGroupStates
    let notify: NotifyScriptQueue

    func changed(_ name: String, to state: VRRPState, reason: TransitionReason) async {
        let all = directory.all
        guard let group = all.first(where: { $0.plan.name == name })?.plan.syncGroup else { return }
        if let groupState = groups.record(member: name, of: group, state: state, members: all.filter { $0.plan.syncGroup == group }.map(\.plan.name)),
           let scripts = groups.notifications(of: group) {
            await notify.transition(of: group, kind: "GROUP", to: groupState.notifyName, priority: 0, scripts: scripts)
        }
        if case .trackerFault(let tracker) = reason, tracker.hasPrefix(Self.trackerPrefix) { return }
        let tracker = "\(Self.trackerPrefix)\(group) member \(name)"
        for runner in all where runner.plan.syncGroup == group && runner.plan.name != name {
            runner.send(.event(.trackerChanged(TrackerStatus(name: tracker, weight: 0, isUp: state != .fault))))
        }
    }
}

/// The last state of each sync group member and of each group as a whole.
final class SyncGroupStates: @unchecked Sendable {
    private let lock = NSLock()
    private var scripts: [String: StateNotifications] = [:]
    private var members: [String: VRRPState] = [:]
    private var announced: [String: VRRPState] = [:]

    /// The groups' notify scripts, from the configuration in force (start, reload).
    func configure(_ groups: [VRRPSyncGroup]) {
        lock.withLock { scripts = Dictionary(groups.map { ($0.name, $0.notify) }, uniquingKeysWith: { first, _ in first }) }
    }

    func notifications(of group: String) -> StateNotifications? { lock.withLock { scripts[group] } }

    /// Records `member`'s new state; returns the group's new state when all `members` now
    /// share one that the group has not announced yet.
    func record(member: String, of group: String, state: VRRPState, members names: [String]) -> VRRPState? {
        lock.withLock {
            members[member] = state
            guard names.allSatisfy({ members[$0] == state }), announced[group] != state else { return nil }
            announced[group] = state
            return state
        }
    }
}
