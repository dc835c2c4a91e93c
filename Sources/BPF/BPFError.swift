// Errors from libbpf and the bpf() system call, with the errno text the kernel gave.
import CBPF
import Foundation

public struct BPFError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let code: Int32

    public init(_ operation: String, code: Int32) {
        self.operation = operation
        self.code = code < 0 ? -code : code
    }

    public var description: String {
        "\(operation): \(String(cString: strerror(code))) (errno \(code))"
    }

    /// libbpf 1.x returns a negative errno, or NULL with errno set.
    static func check(_ result: Int32, _ operation: @autoclosure () -> String) throws {
        if result < 0 { throw BPFError(operation(), code: result) }
    }
}
