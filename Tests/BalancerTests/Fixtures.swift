// Small builders the balancer tests share.
@testable import Balancer

func address(_ text: String) -> IPAddress {
    guard let address = IPAddress(text) else { fatalError("bad test address \(text)") }
    return address
}

/// Reals 198.51.100.1, .2, ... on port 80 with the given weights.
func reals(weights: [UInt32], port: UInt16 = 80) -> [RealServer] {
    weights.enumerated().map { RealServer(address: address("198.51.100.\($0.offset + 1)"), port: port, weight: $0.element) }
}

func backends(_ reals: [RealServer]) -> [MaglevTable.Backend] {
    reals.map { MaglevTable.Backend(name: $0.name, weight: $0.weight) }
}

/// How many slots each position owns.
func slotCounts(_ table: [Int32], backends: Int) -> [Int] {
    var counts = [Int](repeating: 0, count: backends)
    for owner in table where owner >= 0 { counts[Int(owner)] += 1 }
    return counts
}

let webService = ServiceKey(address: address("203.0.113.10"), port: 80, transport: .tcp)
