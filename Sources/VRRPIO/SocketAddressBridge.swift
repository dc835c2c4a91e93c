// InetAddress to and from the C helpers' struct xdpha_inet_address.
import CLinux
import Foundation
import Netlink

extension InetAddress {
    var cAddress: xdpha_inet_address {
        var result = xdpha_inet_address()
        result.family = family.socketFamily
        withUnsafeMutableBytes(of: &result.bytes) { buffer in
            buffer.copyBytes(from: bytes)
        }
        return result
    }

    init?(_ address: xdpha_inet_address) {
        let count: Int
        switch address.family {
        case AF_INET: count = 4
        case AF_INET6: count = 16
        default: return nil
        }
        let bytes = withUnsafeBytes(of: address.bytes) { Array($0.prefix(count)) }
        self.init(bytes: bytes)
    }
}

/// Opens a socket of `family`, `type` and `proto` with close-on-exec set.
func openSocket(_ family: Int32, _ type: Int32, _ proto: Int32, _ what: String) throws(VRRPIOError) -> Int32 {
    try checkSystem("socket(\(what))", socket(family, type | Int32(SOCK_CLOEXEC.rawValue), proto))
}

/// Runs a setup step on a descriptor that is closed when any step fails.
func configure(_ descriptor: Int32, _ operation: String, _ result: Int32) throws(VRRPIOError) {
    guard result >= 0 else {
        let error = VRRPIOError.lastSystemError(operation)
        close(descriptor)
        throw error
    }
}
