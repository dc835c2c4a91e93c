// What the daemon may do: XDP, raw sockets and address changes need capabilities that a plain
// user lacks; say which one is missing instead of failing later with EPERM.
import Foundation

public struct Capabilities: Sendable {
    /// Capability bits from linux/capability.h.
    public enum Capability: Int, Sendable, CaseIterable, CustomStringConvertible {
        case netAdmin = 12, netRaw = 13, sysAdmin = 21, bpf = 39

        public var description: String {
            switch self {
            case .netAdmin: return "CAP_NET_ADMIN"
            case .netRaw: return "CAP_NET_RAW"
            case .sysAdmin: return "CAP_SYS_ADMIN"
            case .bpf: return "CAP_BPF"
            }
        }
    }

    public let effective: UInt64

    public init(effective: UInt64) { self.effective = effective }

    /// Reads CapEff from /proc/self/status.
    public static func current() -> Capabilities {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("CapEff:") }
        let hex = line.map { $0.dropFirst("CapEff:".count).trimmingCharacters(in: .whitespaces) } ?? "0"
        return Capabilities(effective: UInt64(hex, radix: 16) ?? 0)
    }

    public func has(_ capability: Capability) -> Bool {
        effective & (1 << UInt64(capability.rawValue)) != 0
    }

    /// The capabilities the daemon lacks; CAP_SYS_ADMIN stands in for CAP_BPF on older kernels.
    public func missingForDaemon(needsBPF: Bool) -> [Capability] {
        var missing: [Capability] = []
        if !has(.netAdmin) { missing.append(.netAdmin) }
        if !has(.netRaw) { missing.append(.netRaw) }
        if needsBPF && !has(.bpf) && !has(.sysAdmin) { missing.append(.bpf) }
        return missing
    }
}
