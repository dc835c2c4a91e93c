// Every way an IPVS operation fails, with a message that names the operation and the cause.
import Foundation

public enum IPVSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The generic netlink family "IPVS" is not registered.
    case unavailable
    /// The netlink socket itself failed (libnl's error text).
    case netlink(operation: String, message: String)
    /// The kernel refused a request: `errno` with what it means for IPVS.
    case kernel(operation: String, errno: Int32)
    /// A reply the decoder could not read.
    case malformedReply(String)
    /// A desired state the kernel would refuse.
    case invalidState(String)
    /// Reconciling stopped at a failed change; `applied` were made before it.
    case reconcileFailed(applied: [IPVSChange], failed: IPVSChange, cause: String)

    public var description: String {
        switch self {
        case .unavailable:
            "generic netlink family IPVS not found (kernel module ip_vs not loaded or not built)"
        case .netlink(let operation, let message):
            "\(operation): netlink: \(message)"
        case .kernel(let operation, let code):
            "\(operation): \(IPVSError.meaning(of: code, in: operation))"
        case .malformedReply(let detail):
            "malformed IPVS reply: \(detail)"
        case .invalidState(let detail):
            "invalid IPVS state: \(detail)"
        case .reconcileFailed(let applied, let failed, let cause):
            "reconcile stopped at \"\(failed)\" after \(applied.count) change(s): \(cause)"
        }
    }

    /// The kernel's IPVS code reuses a few errno values with a meaning of its own.
    static func meaning(of code: Int32, in operation: String) -> String {
        let text = String(cString: strerror(code))
        switch code {
        case ESRCH: return "no such service (\(text))"
        case EEXIST: return "already exists (\(text))"
        case ENOENT where operation.contains("real server"):
            return "no such real server (\(text))"
        case ENOENT: return "scheduler or persistence engine module not found (\(text))"
        case ERANGE: return "lower threshold above upper threshold (\(text))"
        case EPERM: return "not permitted: needs CAP_NET_ADMIN (\(text))"
        default: return text
        }
    }
}
