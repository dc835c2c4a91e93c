// Following the neighbour table after start: every refresh interval while a real is unresolved
// (soliciting it again each time), every ten intervals once all are resolved (a MAC may change),
// and a reprogramming whenever a link changed.
import Balancer
import Foundation

extension DRController {
    func startRefreshing() {
        guard refreshTask == nil else { return }
        let interval = options.refreshInterval
        refreshTask = Task { [weak self] in
            var quietRounds = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self else { return }
                let settled = await self.refresh(solicit: quietRounds % 10 == 0)
                quietRounds = settled ? quietRounds + 1 : 0
            }
        }
    }

    /// Looks the reals up again and reprograms when a link changed. Returns true when every real
    /// is resolved (the caller then looks less often).
    func refresh(solicit: Bool) async -> Bool {
        guard let mapping else { return true }
        let addresses = Set(mapping.services.flatMap { $0.reals.map(\.address) })
        let unresolved = links.values.contains { $0.link == nil }
        guard unresolved || solicit else { return true }
        let fresh = await resolver.links(of: addresses, solicit: solicit)
        guard fresh != links else { return !unresolved }
        for (address, link) in fresh where links[address] != link {
            logger.notice("real \(address): \(Self.describe(links[address])) -> \(Self.describe(link))")
        }
        do {
            _ = try await write(mapping, links: fresh)
        } catch {
            logger.error("reprogramming after a neighbour change failed: \(error)")
        }
        return !fresh.values.contains { $0.link == nil }
    }

    static func describe(_ link: RealLink?) -> String {
        switch link {
        case .resolved(let link)?: return "resolved \(MACText.format(link.destination)) on ifindex \(link.ifindex)"
        case .soliciting(let ifindex)?: return "soliciting on ifindex \(ifindex)"
        case .unreachable(let reason)?: return "unreachable (\(reason))"
        case nil: return "unknown"
        }
    }
}
