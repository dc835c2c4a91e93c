import Testing
@testable import Balancer

@Suite struct RoundRobinRingTests {
    @Test func roundRobinListsEachActiveRealOnce() {
        #expect(RoundRobinRing.build(weights: [5, 0, 1, 2], weighted: false, capacity: 100) == [0, 2, 3])
    }

    @Test func weightedRoundRobinGivesEachItsWeightReducedByTheCommonDivisor() {
        let ring = RoundRobinRing.build(weights: [300, 100, 200, 0], weighted: true, capacity: 65537)
        #expect(ring.count == 6)
        #expect(ring.filter { $0 == 0 }.count == 3)
        #expect(ring.filter { $0 == 1 }.count == 1)
        #expect(ring.filter { $0 == 2 }.count == 2)
        #expect(!ring.contains(3))
    }

    @Test func weightedRoundRobinInterleaves() {
        #expect(RoundRobinRing.build(weights: [2, 2], weighted: true, capacity: 10) == [0, 1])
        #expect(RoundRobinRing.build(weights: [4, 1, 1], weighted: true, capacity: 100) == [0, 0, 1, 0, 2, 0])
        // 10 among 13: the heavy real never takes more than 4 new flows in a row, also where the
        // walk wraps around (IPVS's wrr would give it 10 in a row).
        let ring = RoundRobinRing.build(weights: [10, 2, 1], weighted: true, capacity: 100)
        #expect(ring.count == 13)
        let doubled = ring + ring
        var longest = 0, run = 0
        for position in doubled {
            run = position == 0 ? run + 1 : 0
            longest = max(longest, run)
        }
        #expect(longest <= 4)
    }

    @Test func longRingsAreScaledToCapacityKeepingEveryReal() {
        let ring = RoundRobinRing.build(weights: [65535, 65534, 1], weighted: true, capacity: 1000)
        #expect(ring.count <= 1000)
        #expect(ring.contains(2))
        let first = Double(ring.filter { $0 == 0 }.count), second = Double(ring.filter { $0 == 1 }.count)
        #expect(abs(first - second) <= 2)
    }

    @Test func noActiveRealMeansAnEmptyRing() {
        #expect(RoundRobinRing.build(weights: [0, 0], weighted: true, capacity: 10).isEmpty)
        #expect(RoundRobinRing.build(weights: [], weighted: false, capacity: 10).isEmpty)
    }
}
