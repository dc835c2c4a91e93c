// What can go wrong talking to the kernel over netlink, with libnl's own words for it.
import CNetlink
import Foundation

public enum NetlinkError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A libnl call failed. `code` is libnl's (positive) NLE_* number and `message` its
    /// nl_geterror text.
    case libnl(operation: String, code: Int32, message: String)
    /// The request was refused before it reached the kernel; `reason` says why.
    case invalidRequest(String)
    /// No interface has this index or name in the socket's network namespace.
    case noSuchInterface(String)
    /// A system call failed outside libnl (the link monitor's wake-up pipe and thread).
    case system(operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .libnl(let operation, let code, let message):
            "\(operation): \(message) (libnl error \(code))"
        case .invalidRequest(let reason):
            "invalid netlink request: \(reason)"
        case .noSuchInterface(let interface):
            "no interface \(interface)"
        case .system(let operation, let code):
            "\(operation): \(String(cString: strerror(code)))"
        }
    }

    /// libnl's NLE_* code of a `.libnl` error, nil for the others.
    public var libnlCode: Int32? {
        if case .libnl(_, let code, _) = self { return code }
        return nil
    }

    /// Wraps a negative libnl return value.
    static func libnl(_ operation: String, _ result: Int32) -> NetlinkError {
        let code = abs(result)
        return .libnl(operation: operation, code: code, message: String(cString: nl_geterror(code)))
    }
}

/// Throws for libnl's negative return values; passes zero and positive ones through.
@discardableResult
func checkLibnl(_ operation: String, _ result: Int32) throws(NetlinkError) -> Int32 {
    guard result >= 0 else { throw NetlinkError.libnl(operation, result) }
    return result
}
