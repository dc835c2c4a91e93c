import SeededRandom
import Testing
@testable import HealthCheck

// The connect scheduler's timing rules, on a fake clock (nanoseconds): due items come out in
// due order, never before their due time, and all items due within one tick come out in one
// wakeup at that tick's end.
@Suite struct CheckAgendaTests {
    let ms: Int64 = 1_000_000

    @Test func itemsComeOutInDueOrderAndFirstInFirstOutAmongEquals() {
        var agenda = CheckAgenda<String>(tick: 5 * ms)
        agenda.schedule("c", at: 30 * ms)
        agenda.schedule("a", at: 10 * ms)
        agenda.schedule("b1", at: 20 * ms)
        agenda.schedule("b2", at: 20 * ms)
        agenda.schedule("b3", at: 20 * ms)
        #expect(agenda.takeDue(at: 100 * ms) == ["a", "b1", "b2", "b3", "c"])
        #expect(agenda.isEmpty)
    }

    @Test func nothingComesOutBeforeItsDueTime() {
        var agenda = CheckAgenda<Int>(tick: 5 * ms)
        agenda.schedule(1, at: 12 * ms)
        agenda.schedule(2, at: 13 * ms)
        #expect(agenda.takeDue(at: 12 * ms - 1) == [])
        #expect(agenda.takeDue(at: 12 * ms) == [1])
        #expect(agenda.takeDue(at: 12 * ms + 1) == [])
        #expect(agenda.count == 1)
    }

    @Test("the thread wakes at the end of the tick holding the earliest due time, and takes every item due by then")
    func oneWakeupPerTickTakesEverythingDueInIt() {
        var agenda = CheckAgenda<Int>(tick: 5 * ms)
        #expect(agenda.wakeTime == nil)
        // Three checks fall due within the tick (10 ms, 15 ms], one in the next.
        agenda.schedule(1, at: 11 * ms)
        agenda.schedule(2, at: 14 * ms)
        agenda.schedule(3, at: 15 * ms)
        agenda.schedule(4, at: 15 * ms + 1)
        let wake = try! #require(agenda.wakeTime)
        #expect(wake == 15 * ms)
        #expect(agenda.takeDue(at: wake) == [1, 2, 3])
        #expect(agenda.wakeTime == 20 * ms)
    }

    @Test func tickBoundaries() {
        let agenda = CheckAgenda<Int>(tick: 5 * ms)
        #expect(agenda.boundary(atOrAfter: 10 * ms) == 10 * ms)
        #expect(agenda.boundary(atOrAfter: 10 * ms + 1) == 15 * ms)
        #expect(agenda.boundary(after: 10 * ms) == 15 * ms)
        #expect(agenda.boundary(after: 10 * ms - 1) == 10 * ms)
        #expect(agenda.boundary(atOrAfter: 0) == 0)
    }

    @Test("a thousand checks spread over a second with a delay_loop of 1 s: each runs once a second, in about 200 wakeups of a 5 ms tick, none early")
    func periodicChecksAtScale() {
        let tick = 5 * ms
        var agenda = CheckAgenda<Int>(tick: tick)
        var due: [Int64] = []
        var rng = SplitMix64(seed: 7)
        for id in 0..<1000 {
            due.append(Int64.random(in: 0..<(1000 * ms), using: &rng))
            agenda.schedule(id, at: due[id])
        }
        var wakeups = 0
        var runs = [Int](repeating: 0, count: 1000)
        while let wake = agenda.wakeTime, wake < 3000 * ms {
            wakeups += 1
            for id in agenda.takeDue(at: wake) {
                #expect(due[id] <= wake && wake - due[id] < tick, "check \(id) due at \(due[id]) ran at \(wake)")
                runs[id] += 1
                // The result is collected at this tick; the next check waits delay_loop from it.
                due[id] = wake + 1000 * ms
                agenda.schedule(id, at: due[id])
            }
        }
        // Each check's period is 1 s stretched by less than a tick, so in 3 s each runs 2 or 3 times.
        #expect(runs.allSatisfy { (2...3).contains($0) })
        #expect(wakeups <= 3 * 200 + 1, "\(wakeups) wakeups")
    }
}

