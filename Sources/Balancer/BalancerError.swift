// Why a set of services cannot become data-path state; each case names the offending part.

public enum BalancerError: Error, Equatable, Sendable, CustomStringConvertible {
    case duplicateService(ServiceKey)
    case duplicateReal(ServiceKey, RealServer)
    case familyMismatch(ServiceKey, RealServer)
    case tableSizeNotPrime(ServiceKey, Int)
    case tableTooSmall(ServiceKey, size: Int, reals: Int, minimum: Int)
    case tableTooLarge(ServiceKey, size: Int, capacity: Int)
    case tooManyServices(count: Int, limit: Int)
    case tooManyReals(count: Int, limit: Int)

    public var description: String {
        switch self {
        case .duplicateService(let key):
            return "service \(key) is defined twice"
        case .duplicateReal(let key, let real):
            return "service \(key) lists real server \(real) twice"
        case .familyMismatch(let key, let real):
            return "service \(key): real server \(real) is not of the VIP's address family (DR forwards the packet unchanged)"
        case .tableSizeNotPrime(let key, let size):
            return "service \(key): Maglev table size \(size) is not a prime"
        case .tableTooSmall(let key, let size, let reals, let minimum):
            return "service \(key): Maglev table size \(size) is too small for \(reals) real servers (at least \(minimum), 100 per real)"
        case .tableTooLarge(let key, let size, let capacity):
            return "service \(key): table size \(size) exceeds the data path's \(capacity) slots"
        case .tooManyServices(let count, let limit):
            return "\(count) services exceed the data path's limit of \(limit)"
        case .tooManyReals(let count, let limit):
            return "\(count) real server entries exceed the data path's limit of \(limit)"
        }
    }
}
