// The services a daemon owns, kept in a file of its state directory, so that a daemon started
// after one that left its services in the kernel (--dont-release-ipvs, or a crash) knows which of
// the table's services are its own: those its new configuration no longer names are removed,
// while ipvsadm's and other programs' stay. The state directory is a tmpfs (/run/xdpha) like the
// IPVS table itself, so both are gone after a reboot.
//
// One service a line, as ipvsadm lists them: `TCP 192.0.2.1:80`, `UDP [2001:db8::1]:53`,
// `FWM 7`, `FWM 7 IPv6`.
import Foundation

public struct IPVSOwnershipRecord: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The services the file names; an absent file is none. Lines that are not services are
    /// reported, not fatal: a damaged record must not stop the daemon.
    public func read() -> (owned: Set<IPVSServiceKey>, unreadable: [String]) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return ([], []) }
        var owned: Set<IPVSServiceKey> = []
        var unreadable: [String] = []
        for line in text.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            if let key = IPVSServiceKey(listed: String(line)) { owned.insert(key) } else { unreadable.append(String(line)) }
        }
        return (owned, unreadable)
    }

    /// Replaces the file with `owned` (written to a temporary file and renamed, so a crash
    /// leaves the old record or the new one); an empty set removes it.
    public func write(_ owned: Set<IPVSServiceKey>) throws {
        guard !owned.isEmpty else {
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            return
        }
        let text = owned.sorted().map(\.description).joined(separator: "\n") + "\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}

extension IPVSServiceKey {
    /// Parses the form `description` prints.
    public init?(listed text: String) {
        let words = text.split(separator: " ").map(String.init)
        if words.first == "FWM" {
            guard words.count == 2 || (words.count == 3 && words[2] == "IPv6"), let mark = UInt32(words[1]) else { return nil }
            self = .firewallMark(mark, family: words.count == 3 ? .inet6 : .inet)
            return
        }
        let protocols: [String: IPVSProtocol] = ["TCP": .tcp, "UDP": .udp, "SCTP": .sctp]
        guard words.count == 2, let proto = protocols[words[0]], let colon = words[1].lastIndex(of: ":"),
              let port = UInt16(words[1][words[1].index(after: colon)...]) else { return nil }
        var host = String(words[1][..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let address = IPVSAddress(host), (address.family == .inet6) == words[1].hasPrefix("[") else { return nil }
        self = .address(proto, address, port: port)
    }
}
