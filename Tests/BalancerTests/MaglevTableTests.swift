import Testing
@testable import Balancer

@Suite struct MaglevTableTests {
    let size = MaglevTable.defaultSize

    @Test func everySlotIsOwnedAndEqualWeightsShareEvenly() {
        let table = MaglevTable.build(backends(reals(weights: Array(repeating: 1, count: 10))), size: size)
        #expect(table.count == size)
        #expect(!table.contains(-1))
        let counts = slotCounts(table, backends: 10)
        let expected = Double(size) / 10
        for count in counts { #expect(abs(Double(count) - expected) / expected < 0.01) }
    }

    @Test(arguments: [[1, 2, 3, 4], [1, 10, 100], [5, 5, 1, 7, 3, 2, 9, 8, 6, 4], [65535, 1, 300]])
    func weightsGiveProportionalShares(weights: [UInt32]) {
        let table = MaglevTable.build(backends(reals(weights: weights)), size: size)
        let counts = slotCounts(table, backends: weights.count)
        let total = Double(weights.reduce(0, +))
        for (position, weight) in weights.enumerated() {
            let expected = Double(size) * Double(weight) / total
            // Each turn claims exactly one slot, so a share is off by at most a slot or two.
            #expect(abs(Double(counts[position]) - expected) <= max(2, expected * 0.01),
                    "weight \(weight): \(counts[position]) slots, expected \(expected)")
        }
    }

    @Test func weightZeroGetsNoSlot() {
        let table = MaglevTable.build(backends(reals(weights: [3, 0, 2])), size: size)
        #expect(slotCounts(table, backends: 3)[1] == 0)
        #expect(!table.contains(-1))
        #expect(MaglevTable.build(backends(reals(weights: [0, 0])), size: 13).allSatisfy { $0 == -1 })
    }

    @Test func inputOrderDoesNotMatter() {
        let servers = reals(weights: [1, 2, 3, 4, 5])
        let forward = MaglevTable.build(backends(servers), size: size).map { servers[Int($0)] }
        let reversedServers = Array(servers.reversed())
        let backward = MaglevTable.build(backends(reversedServers), size: size).map { reversedServers[Int($0)] }
        #expect(forward == backward)
    }

    /// Pinned output: the table must come out the same in every process and on every machine
    /// (two directors must agree), so a change here is a change of the data path's behaviour.
    @Test func isTheSameInEveryProcess() {
        let table = MaglevTable.build(backends(reals(weights: [1, 2, 3])), size: 13)
        #expect(table == [1, 0, 2, 0, 1, 2, 2, 1, 1, 2, 2, 2, 2])
        let big = MaglevTable.build(backends(reals(weights: [1, 1, 1, 1])), size: size)
        #expect(Array(big.prefix(12)) == [3, 0, 0, 3, 2, 2, 2, 2, 3, 3, 0, 0])
    }

    @Test func removingARealMovesLittleBesidesItsOwnSlots() {
        for n in [5, 10, 50] {
            let servers = reals(weights: Array(repeating: 1, count: n))
            let before = MaglevTable.build(backends(servers), size: size).map { servers[Int($0)] }
            let removed = servers[n / 2]
            let remaining = servers.filter { $0 != removed }
            let after = MaglevTable.build(backends(remaining), size: size).map { remaining[Int($0)] }
            var ownMoved = 0, otherMoved = 0
            for slot in 0..<size where before[slot] != after[slot] {
                if before[slot] == removed { ownMoved += 1 } else { otherMoved += 1 }
            }
            #expect(ownMoved == before.filter { $0 == removed }.count)
            // Maglev trades a little disruption for balance; the paper's figures stay within a
            // few percent of the table for these sizes.
            #expect(Double(otherMoved) / Double(size) < 0.02, "n=\(n): \(otherMoved) other slots moved")
        }
    }

    @Test func addingARealMovesAboutItsShare() {
        for n in [5, 10, 50] {
            let servers = reals(weights: Array(repeating: 1, count: n + 1))
            let old = Array(servers.prefix(n))
            let before = MaglevTable.build(backends(old), size: size).map { old[Int($0)] }
            let after = MaglevTable.build(backends(servers), size: size).map { servers[Int($0)] }
            let moved = (0..<size).filter { before[$0] != after[$0] }.count
            let share = Double(size) / Double(n + 1)
            #expect(Double(moved) >= share * 0.99 && Double(moved) <= share * 1.25,
                    "n=\(n): \(moved) slots moved, one real's share is \(share)")
        }
    }

    @Test func changingAWeightMovesOnlyTheDifferenceMostly() {
        let servers = reals(weights: Array(repeating: 10, count: 10))
        var heavier = servers
        heavier[3] = RealServer(address: servers[3].address, port: 80, weight: 20)
        let before = MaglevTable.build(backends(servers), size: size)
        let after = MaglevTable.build(backends(heavier), size: size)
        let moved = (0..<size).filter { before[$0] != after[$0] }.count
        let gained = Double(size) * (20.0 / 110.0 - 10.0 / 100.0)
        #expect(Double(moved) < gained * 1.5)
        #expect(Double(moved) >= gained * 0.99)
    }

    @Test func sizeIsPrimeAndHundredPerReal() {
        #expect(MaglevTable.size(forBackends: 3) == 65537)
        let large = MaglevTable.size(forBackends: 700)
        #expect(large >= 70000 && Primes.isPrime(large))
        #expect(Primes.isPrime(65537) && !Primes.isPrime(65536) && !Primes.isPrime(1))
    }
}

@Suite struct WeightedTurnsTests {
    @Test func everyPrefixIsProportional() {
        let weights: [UInt32] = [7, 3, 0, 10, 1]
        let turns = WeightedTurns.sequence(weights: weights, count: 2100)
        #expect(turns.count == 2100)
        for prefix in [21, 210, 777, 2100] {
            let total = Double(weights.reduce(0, +))
            for (position, weight) in weights.enumerated() {
                let taken = turns.prefix(prefix).filter { $0 == Int32(position) }.count
                #expect(abs(Double(taken) - Double(prefix) * Double(weight) / total) <= 1.5)
            }
        }
    }

    @Test func heaviestBackendTurnsEveryRound() {
        // Rounds: {0}, {1, 0}, {0}, {1, 0}: backend 1 waits for round 2, then joins every other one.
        #expect(WeightedTurns.sequence(weights: [2, 1], count: 6) == [0, 1, 0, 0, 1, 0])
        #expect(WeightedTurns.sequence(weights: [0, 0], count: 6).isEmpty)
    }
}
