// Link changes as VRRP sees them: the instance's own interface going down is FAULT; a tracked
// interface moves the priority by its weight (weight 0: FAULT), as keepalived does.
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
struct SyncGroupRelay: Sendable {
    static let trackerPrefix = "sync_group "
    let directory: RunnerDirectory

    func changed(_ name: String, to state: VRRPState, reason: TransitionReason) {
        if case .trackerFault(let tracker) = reason, tracker.hasPrefix(Self.trackerPrefix) { return }
        let all = directory.all
        guard let group = all.first(where: { $0.plan.name == name })?.plan.syncGroup else { return }
        let tracker = "\(Self.trackerPrefix)\(group) member \(name)"
        for runner in all where runner.plan.syncGroup == group && runner.plan.name != name {
            runner.send(.event(.trackerChanged(TrackerStatus(name: tracker, weight: 0, isUp: state != .fault))))
        }
    }
}
