// Two namespaces joined by a veth pair, and waiting for asynchronous events with a deadline.
import Foundation
import NetLab
import Netlink

/// Hosts `a` and `b`, each with an `eth0` facing the other, on 192.0.2.0/24 and 2001:db8::/64.
struct TwoHosts {
    let lab: Lab
    let a: NetworkNamespace
    let b: NetworkNamespace

    init(_ name: String) throws {
        lab = try Lab(name)
        a = try lab.namespace("a")
        b = try lab.namespace("b")
        try lab.link(a, "eth0", b, "eth0")
        try a.addAddress("192.0.2.1/24", dev: "eth0")
        try b.addAddress("192.0.2.2/24", dev: "eth0")
        try a.addAddress("2001:db8::1/64", dev: "eth0")
        try b.addAddress("2001:db8::2/64", dev: "eth0")
    }
}

/// Collects what a stream yields, so a test can wait for one element after another without
/// cancelling the stream (cancelling an AsyncStream's iteration ends it).
actor Recorder<Element: Sendable> {
    private(set) var seen: [Element] = []
    private var task: Task<Void, Never>?

    init(_ stream: AsyncStream<Element>) {
        Task { await self.start(stream) }
    }

    private func start(_ stream: AsyncStream<Element>) {
        task = Task {
            for await element in stream { self.append(element) }
            self.finish()
        }
    }

    private func append(_ element: Element) { seen.append(element) }
    private func finish() { isFinished = true }

    /// Whether the stream has ended.
    private(set) var isFinished = false

    /// The first element after the first `skipping` ones that matches, waiting up to `seconds`.
    func first(after skipping: Int = 0, within seconds: Double = 5,
               where matches: @Sendable (Element) -> Bool) async -> Element? {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let found = seen.dropFirst(skipping).first(where: matches) { return found }
            if Date() > deadline { return nil }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    var count: Int { seen.count }
}

/// Polls `body` until it returns non-nil or `seconds` pass.
func eventually<T>(within seconds: Double = 3, _ body: () async throws -> T?) async rethrows -> T? {
    let deadline = Date().addingTimeInterval(seconds)
    while true {
        if let value = try await body() { return value }
        if Date() > deadline { return nil }
        try? await Task.sleep(for: .milliseconds(20))
    }
}

/// One address of `ip -j addr show`, as iproute2 prints it.
struct ShownAddress {
    let local: String
    let prefixLength: Int
    let scope: String
    let label: String?
    let flags: Set<String>
}

extension NetworkNamespace {
    /// The addresses `ip -j addr show dev DEV` lists.
    func shownAddresses(dev: String) throws -> [ShownAddress] {
        let json = try run("ip", "-j", "addr", "show", "dev", dev).output
        guard let links = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] else { return [] }
        return links.flatMap { link -> [ShownAddress] in
            let infos = link["addr_info"] as? [[String: Any]] ?? []
            return infos.compactMap { info in
                guard let local = info["local"] as? String, let length = info["prefixlen"] as? Int else { return nil }
                let flags = Set(info.compactMap { key, value in (value as? Bool) == true ? key : nil })
                return ShownAddress(local: local, prefixLength: length, scope: info["scope"] as? String ?? "",
                                    label: info["label"] as? String, flags: flags)
            }
        }
    }
}
