// The diff between the kernel's IPVS table and the desired one: pure, so every rule of
// ownership and ordering is a unit test.
//
// Ownership: the planner touches a service only when it is owned: named in the desired state,
// or in `owned` (the keys the caller applied before). An owned service is managed whole: real
// servers the desired state does not list are removed. A service owned only through `owned`
// (dropped from the configuration) is removed. Any other service, made by ipvsadm or another
// program, is left as it is. This is keepalived's rule: it owns what its configuration names.

public enum IPVSPlanner {
    /// The changes that turn `actual` into `desired` for the owned services, in the order to
    /// apply them: dropped services first, then each desired service in the desired order with
    /// its settings, removed, changed and new real servers.
    public static func changes(from actual: IPVSState, to desired: IPVSState,
                               owned: Set<IPVSServiceKey> = []) -> [IPVSChange] {
        let actual = actual.canonical
        let desired = desired.canonical
        var changes: [IPVSChange] = []

        let desiredKeys = desired.serviceKeys
        for server in actual.virtualServers where owned.contains(server.key) && !desiredKeys.contains(server.key) {
            changes.append(.removeService(server.key))
        }

        for wanted in desired.virtualServers {
            guard let present = actual.virtualServer(wanted.key) else {
                changes.append(.addService(wanted.service))
                changes += wanted.destinations.map { .addDestination(wanted.key, $0) }
                continue
            }
            if present.service != wanted.service {
                changes.append(.updateService(from: present.service, to: wanted.service))
            }
            changes += destinationChanges(from: present, to: wanted)
        }
        return changes
    }

    private static func destinationChanges(from present: IPVSVirtualServer,
                                           to wanted: IPVSVirtualServer) -> [IPVSChange] {
        let key = wanted.key
        let wantedKeys = Set(wanted.destinations.map(\.key))
        var changes: [IPVSChange] = present.destinations
            .filter { !wantedKeys.contains($0.key) }
            .map { .removeDestination(key, $0.key) }
        for destination in wanted.destinations {
            if let existing = present.destination(destination.key) {
                if existing != destination {
                    changes.append(.updateDestination(key, from: existing, to: destination))
                }
            } else {
                changes.append(.addDestination(key, destination))
            }
        }
        return changes
    }
}
