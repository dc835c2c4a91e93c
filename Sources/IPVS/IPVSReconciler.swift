// Brings the kernel's IPVS table to a desired state and remembers which services it owns.
// Running it again with the same desired state changes nothing and returns no changes.

public struct IPVSReconciler: Sendable {
    public let client: IPVSClient
    /// Services this reconciler applied (see IPVSPlanner for what owning means). A daemon that
    /// restarts can pass the set it saved, or the services of its previous configuration.
    public private(set) var owned: Set<IPVSServiceKey>

    public init(client: IPVSClient, owned: Set<IPVSServiceKey> = []) {
        self.client = client
        self.owned = owned
    }

    /// Reads the kernel's table, applies the planned changes in order and returns them.
    /// When a change fails the error lists the ones already made; ownership then covers both
    /// the old and the new desired services, so that a later run can still remove them.
    @discardableResult
    public mutating func reconcile(to desired: IPVSState) throws(IPVSError) -> [IPVSChange] {
        try desired.validate()
        let plan = IPVSPlanner.changes(from: try client.state(), to: desired, owned: owned)
        var applied: [IPVSChange] = []
        for change in plan {
            do {
                try client.apply(change)
            } catch {
                owned.formUnion(desired.serviceKeys)
                throw .reconcileFailed(applied: applied, failed: change, cause: error.description)
            }
            applied.append(change)
        }
        owned = desired.serviceKeys
        return applied
    }
}
