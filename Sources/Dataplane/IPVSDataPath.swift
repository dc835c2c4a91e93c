// The kernel's IPVS as a data path: each apply maps the configuration's virtual servers to an
// IPVS table (IPVSMapping) and reconciles the kernel to it (IPVSReconciler): missing services and
// reals added, differing ones changed, those of an earlier apply that are gone removed, and
// anything else in the table (ipvsadm's, another program's) left alone. A second apply of the
// same configuration reads the table and changes nothing.
//
// Stop removes the services this daemon owns, as keepalived does when it exits: a stopped
// director should not keep attracting connections it no longer manages (the VIPs leave with
// VRRP's goodbye anyway). `keepsServicesOnStop` leaves them, for an operator who restarts the
// daemon without wanting a gap; the next start takes them over, since they are in its
// configuration. (The XDP path differs: it keeps forwarding from its pinned maps.)
//
// What it owns is also kept in the state directory (IPVSOwnershipRecord), so that the next start
// removes the kept services its configuration no longer names, and leaves the others alone.
import Config
import IPVS
import Logging

public actor IPVSDataPath: DataPath {
    public nonisolated let name = "ipvs"

    private let logger: Logger
    private let keepsServicesOnStop: Bool
    private let openClient: @Sendable () throws(IPVSError) -> IPVSClient
    private let ownershipRecord: IPVSOwnershipRecord?
    /// The services an earlier run left to this one, read from the record once (nil: not yet).
    private var inherited: Set<IPVSServiceKey>?
    /// What the record holds now: it is rewritten only when ownership changes, not on every apply.
    private var recorded: Set<IPVSServiceKey> = []
    /// Opened by the first apply that has services: a configuration without virtual servers
    /// runs on a kernel without IPVS.
    private var reconciler: IPVSReconciler?
    /// Whether an apply has run: global_defs `lvs_flush` empties the table before the first one.
    private var applied = false

    /// `ownershipRecord`: where the services this daemon owns are kept between runs (nil: not kept).
    public init(logger: Logger, keepsServicesOnStop: Bool = false, ownershipRecord: IPVSOwnershipRecord? = nil,
                openClient: @escaping @Sendable () throws(IPVSError) -> IPVSClient = { () throws(IPVSError) in try IPVSClient() }) {
        self.logger = logger
        self.keepsServicesOnStop = keepsServicesOnStop
        self.ownershipRecord = ownershipRecord
        self.openClient = openClient
    }

    /// Why IPVS cannot be used here, in words that name the missing kernel feature; nil when it can.
    public static var unavailableReason: String? {
        IPVSClient.unavailableReason.map { "IPVS: \($0)" }
    }

    @discardableResult
    public func apply(_ config: KeepalivedConfig) async throws -> DataPathReport {
        try apply(try IPVSMapping.map(config))
    }

    /// Reconciles the kernel to an already mapped table (the split path maps before it applies).
    @discardableResult
    public func apply(_ mapping: IPVSMapping) throws -> DataPathReport {
        let services = mapping.state.virtualServers
        if !applied {
            try flushIfAsked(mapping)
            applied = true
        }
        if reconciler == nil {
            // Services an earlier run left behind are removed even when none are configured now.
            guard !services.isEmpty || !inheritedServices().isEmpty else { return DataPathReport(path: name, summary: "no virtual servers") }
            try open()
        }
        guard var reconciler else { return DataPathReport(path: name, summary: "no virtual servers") }
        // Also after a failed change: the reconciler then owns the old and the new services.
        defer {
            self.reconciler = reconciler
            record(reconciler.owned)
        }
        let changes = try reconciler.reconcile(to: mapping.state)
        let reals = services.reduce(0) { $0 + $1.destinations.count }
        let report = DataPathReport(path: name, summary: "\(services.count) services, \(reals) reals, \(changes.count) changes",
                                    notes: mapping.notes)
        logger.notice("IPVS: \(report.summary)")
        for change in changes { logger.info("IPVS: \(change)") }
        for note in mapping.notes { logger.info("IPVS: \(note)") }
        return report
    }

    /// keepalived's `lvs_flush`: the whole table emptied once, at start. Without IPVS and
    /// without services there is nothing to flush and nothing to refuse.
    private func flushIfAsked(_ mapping: IPVSMapping) throws {
        guard mapping.flushesTableAtStart else { return }
        if mapping.state.virtualServers.isEmpty && reconciler == nil {
            guard (try? open()) != nil else { return }
        }
        try open()
        try reconciler?.client.flush()
        logger.notice("IPVS: lvs_flush: every service of the table removed")
    }

    /// Opens the generic netlink socket if it is not open yet; throws, naming the missing kernel
    /// feature, when there is no IPVS.
    public func open() throws(IPVSDataPathError) {
        guard reconciler == nil else { return }
        let client: IPVSClient
        do {
            client = try openClient()
        } catch {
            throw .unavailable("IPVS: \(error)")
        }
        reconciler = IPVSReconciler(client: client, owned: inheritedServices())
    }

    /// The services the record names, read (and logged) on first use only.
    private func inheritedServices() -> Set<IPVSServiceKey> {
        if let inherited { return inherited }
        var owned: Set<IPVSServiceKey> = []
        if let ownershipRecord {
            let (read, unreadable) = ownershipRecord.read()
            owned = read
            if !owned.isEmpty {
                logger.notice("IPVS: \(owned.count) services kept by an earlier run are this daemon's (\(ownershipRecord.path))")
            }
            for line in unreadable { logger.warning("IPVS: \(ownershipRecord.path): not a service, ignored: \(line)") }
        }
        inherited = owned
        recorded = owned
        return owned
    }

    /// Keeps `owned` for the next run; a failure is logged, never fatal (the table is right).
    private func record(_ owned: Set<IPVSServiceKey>) {
        guard let ownershipRecord, owned != recorded else { return }
        do {
            try ownershipRecord.write(owned)
            recorded = owned
        } catch {
            logger.warning("IPVS: could not record the services this daemon owns in \(ownershipRecord.path): \(error)")
        }
    }

    /// Removes the services this daemon owns (unless told to keep them); others stay.
    public func stop() async {
        guard var reconciler, !reconciler.owned.isEmpty else { return }
        guard !keepsServicesOnStop else {
            logger.notice("IPVS: stopping; \(reconciler.owned.count) services stay in the kernel")
            return
        }
        do {
            let changes = try reconciler.reconcile(to: .empty)
            logger.notice("IPVS: stopping; \(changes.count) services removed")
        } catch {
            logger.error("IPVS: stopping; removing the services failed: \(error)")
        }
        self.reconciler = reconciler
        record(reconciler.owned)
    }
}

public enum IPVSDataPathError: Error, CustomStringConvertible {
    /// No IPVS in this kernel (or namespace), with the feature that is missing.
    case unavailable(String)

    public var description: String {
        switch self {
        case .unavailable(let reason): reason
        }
    }
}
