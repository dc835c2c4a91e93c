// What can go wrong on the VRRP sockets, GARP and neighbour advertisement paths.
import Foundation

public enum VRRPIOError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A system call failed; `errno` says why.
    case system(operation: String, errno: Int32)
    /// An address of the other family, or of the wrong kind, was given (say an IPv6 destination
    /// to an IPv4 socket, or a gratuitous ARP for an IPv6 address).
    case wrongAddress(String)
    /// The socket was closed before this call.
    case closed

    public var description: String {
        switch self {
        case .system(let operation, let code): "\(operation): \(String(cString: strerror(code))) (errno \(code))"
        case .wrongAddress(let reason): reason
        case .closed: "the socket is closed"
        }
    }

    /// `.system` with the current errno.
    static func lastSystemError(_ operation: String) -> VRRPIOError {
        .system(operation: operation, errno: errno)
    }
}

/// Throws the current errno when a system call returned a negative value.
@discardableResult
func checkSystem<T: BinaryInteger>(_ operation: String, _ result: T) throws(VRRPIOError) -> T {
    guard result >= 0 else { throw VRRPIOError.lastSystemError(operation) }
    return result
}
