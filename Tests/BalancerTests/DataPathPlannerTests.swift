import Testing
@testable import Balancer

@Suite struct DataPathPlannerTests {
    func service(_ key: ServiceKey = webService, _ scheduler: Scheduler = .maglev, weights: [UInt32],
                 persistence: UInt32 = 0) -> Service {
        Service(key: key, scheduler: scheduler, persistenceTimeout: persistence, reals: reals(weights: weights))
    }

    @Test func describesServicesRealsRingsAndVIPs() throws {
        var planner = DataPathPlanner()
        let dns = ServiceKey(address: webService.address, port: 53, transport: .udp)
        let state = try planner.plan([service(weights: [1, 2]), service(dns, .roundRobin, weights: [1, 1, 0], persistence: 300)])
        #expect(state.services.count == 2)
        #expect(state.reals.count == 5)
        #expect(state.virtualAddresses == [webService.address: 2])
        let web = try #require(state.service(webService))
        #expect(web.lookup == .hash([.sourceAddress]))
        #expect(web.ring.count == 65537)
        let dnsEntry = try #require(state.service(dns))
        #expect(dnsEntry.lookup == .walk)
        #expect(dnsEntry.persistenceTimeout == 300)
        #expect(dnsEntry.ring.count == 2)
        // Every ring names reals of its own service only, and never one of weight 0.
        for entry in state.services {
            for index in Set(entry.ring) {
                let real = try #require(state.real(index: index))
                #expect(real.serviceID == entry.id)
                #expect(real.takesNewFlows)
            }
        }
        #expect(Set(state.reals.map(\.index)).count == 5)
        #expect(state.reals.allSatisfy { $0.hardwareAddress == nil })
    }

    @Test func idsIndicesAndGenerationsSurviveAReplan() throws {
        var planner = DataPathPlanner()
        let first = try planner.plan([service(weights: [1, 1, 1])])
        let second = try planner.plan([service(weights: [1, 5, 1])])
        #expect(first.services[0].id == second.services[0].id)
        #expect(first.reals.map(\.index) == second.reals.map(\.index))
        #expect(first.reals.map(\.generation) == second.reals.map(\.generation))
        #expect(first.services[0].ring != second.services[0].ring)
    }

    @Test func aFreedIndexIsReusedOnlyByALaterPlanAndWithANewGeneration() throws {
        var planner = DataPathPlanner()
        let pair = reals(weights: [1, 1])
        let newcomer = RealServer(address: address("198.51.100.99"), port: 80)
        let first = try planner.plan([Service(key: webService, scheduler: .maglev, reals: pair)])
        let old = try #require(first.reals.first { $0.server == pair[1] })
        // Swapped in one plan: the newcomer does not take the index the data path may still read.
        let swapped = try planner.plan([Service(key: webService, scheduler: .maglev, reals: [pair[0], newcomer])])
        #expect(swapped.reals.first { $0.server == newcomer }?.index != old.index)

        var fresh = DataPathPlanner()
        _ = try fresh.plan([Service(key: webService, scheduler: .maglev, reals: pair)])
        _ = try fresh.plan([Service(key: webService, scheduler: .maglev, reals: [pair[0]])])
        let later = try fresh.plan([Service(key: webService, scheduler: .maglev, reals: [pair[0], newcomer])])
        let new = try #require(later.reals.first { $0.server == newcomer })
        #expect(new.index == old.index)
        #expect(new.generation != old.generation)
        #expect(later.reals.first { $0.server == pair[0] }?.generation == first.reals[0].generation)
    }

    @Test func aFreedIndexIsReusedAtOnceWhenNoOtherIsLeft() throws {
        var planner = DataPathPlanner(limits: DataPathLimits(maxServices: 4, maxReals: 2, ringSlots: 65537))
        let pair = reals(weights: [1, 1])
        let newcomer = RealServer(address: address("198.51.100.99"), port: 80)
        let first = try planner.plan([Service(key: webService, scheduler: .maglev, reals: pair)])
        let second = try planner.plan([Service(key: webService, scheduler: .maglev, reals: [pair[0], newcomer])])
        #expect(Set(second.reals.map(\.index)) == Set(first.reals.map(\.index)))
    }

    @Test func serviceIDsStayWhenOthersGo() throws {
        var planner = DataPathPlanner()
        let a = ServiceKey(address: address("203.0.113.1"), port: 80, transport: .tcp)
        let b = ServiceKey(address: address("203.0.113.2"), port: 80, transport: .tcp)
        let c = ServiceKey(address: address("203.0.113.3"), port: 80, transport: .tcp)
        let first = try planner.plan([service(a, weights: [1]), service(b, weights: [1]), service(c, weights: [1])])
        let second = try planner.plan([service(c, weights: [1]), service(a, weights: [1])])
        #expect(second.service(a)?.id == first.service(a)?.id)
        #expect(second.service(c)?.id == first.service(c)?.id)
        let third = try planner.plan([service(c, weights: [1]), service(a, weights: [1]), service(b, weights: [1])])
        #expect(third.service(b)?.id == first.service(b)?.id)  // the free id is the lowest one
    }

    @Test func aServiceWithoutWeightHasAnEmptyRing() throws {
        var planner = DataPathPlanner()
        let state = try planner.plan([service(weights: [0, 0])])
        #expect(state.services[0].ring.isEmpty)
        #expect(state.reals.count == 2)
        #expect(state.reals.allSatisfy { !$0.takesNewFlows })
    }

    @Test func schedulersHashWhatIPVSHashes() throws {
        var planner = DataPathPlanner()
        let keys = Scheduler.allCases.enumerated().map {
            ServiceKey(address: address("203.0.113.\($0.offset + 1)"), port: 80, transport: .tcp)
        }
        let state = try planner.plan(zip(keys, Scheduler.allCases).map { service($0, $1, weights: [1, 2]) })
        #expect(state.service(keys[0])?.lookup == .walk)
        #expect(state.service(keys[1])?.lookup == .walk)
        #expect(state.service(keys[2])?.lookup == .hash([.sourceAddress]))
        #expect(state.service(keys[3])?.lookup == .hash([.sourceAddress]))
        #expect(state.service(keys[4])?.lookup == .hash([.destinationAddress]))
        #expect(FlowFields.defaults(for: .sourceHash, hashSourcePort: true) == [.sourceAddress, .sourcePort])
        // wrr gives the real of weight 2 two turns in three, rr one in two.
        #expect(state.service(keys[0])?.ring.count == 2)
        #expect(state.service(keys[1])?.ring.count == 3)
    }

    @Test func predictsTheRealOfAHashedFlow() throws {
        var planner = DataPathPlanner()
        let fiveTuple = Service(key: webService, scheduler: .maglev, hashFields: .fiveTuple, reals: reals(weights: [1, 1, 1]))
        let state = try planner.plan([fiveTuple])
        var chosen = Set<UInt32>()
        for port in UInt16(40000)..<40100 {
            let flow = FlowKey(source: address("192.0.2.50"), destination: webService.address, sourcePort: port,
                               destinationPort: 80, transport: .tcp)
            let real = try #require(state.predictedReal(for: flow))
            let slot = FlowHash.position(FlowHash.hash(flow, fields: .fiveTuple), slots: 65537)
            #expect(real.index == state.services[0].ring[slot])
            chosen.insert(real.index)
        }
        #expect(chosen.count == 3)
        let other = FlowKey(source: address("192.0.2.50"), destination: webService.address, sourcePort: 1,
                            destinationPort: 81, transport: .tcp)
        #expect(state.predictedReal(for: other) == nil)
    }

    @Test func rejectsWhatTheDataPathCannotCarry() {
        var planner = DataPathPlanner(limits: DataPathLimits(maxServices: 1, maxReals: 3, ringSlots: 65537))
        #expect(throws: BalancerError.duplicateService(webService)) {
            try planner.plan([service(weights: [1]), service(weights: [1])])
        }
        let twice = Service(key: webService, scheduler: .maglev, reals: reals(weights: [1]) + reals(weights: [2]))
        #expect(throws: BalancerError.duplicateReal(webService, reals(weights: [2])[0])) { try planner.plan([twice]) }
        let mixed = Service(key: webService, scheduler: .maglev, reals: [RealServer(address: address("2001:db8::5"), port: 80)])
        #expect(throws: BalancerError.familyMismatch(webService, mixed.reals[0])) { try planner.plan([mixed]) }
        #expect(throws: BalancerError.tooManyReals(count: 4, limit: 3)) { try planner.plan([service(weights: [1, 1, 1, 1])]) }
        let other = ServiceKey(address: address("203.0.113.99"), port: 80, transport: .tcp)
        #expect(throws: BalancerError.tooManyServices(count: 2, limit: 1)) {
            try planner.plan([service(weights: [1]), service(other, weights: [1])])
        }
        var sized = service(weights: [1, 1])
        sized.tableSize = 1000
        #expect(throws: BalancerError.tableSizeNotPrime(webService, 1000)) { try planner.plan([sized]) }
        sized.tableSize = 199
        #expect(throws: BalancerError.tableTooSmall(webService, size: 199, reals: 2, minimum: 200)) { try planner.plan([sized]) }
        sized.tableSize = 65539
        #expect(throws: BalancerError.tableTooLarge(webService, size: 65539, capacity: 65537)) { try planner.plan([sized]) }
    }

    @Test func aFailedPlanKeepsThePreviousAllocations() throws {
        var planner = DataPathPlanner()
        let first = try planner.plan([service(weights: [1, 1])])
        #expect(throws: BalancerError.self) { try planner.plan([service(weights: [1]), service(weights: [1])]) }
        let again = try planner.plan([service(weights: [1, 1])])
        #expect(again == first)
    }

    @Test func manyRealsGetALargerPrimeTable() throws {
        var planner = DataPathPlanner(limits: DataPathLimits(maxServices: 4, maxReals: 4096, ringSlots: 131_071))
        let many = (0..<700).map { RealServer(address: address("198.51.\(100 + $0 / 250).\($0 % 250 + 1)"), port: 80) }
        let state = try planner.plan([Service(key: webService, scheduler: .maglev, reals: many)])
        #expect(state.services[0].ring.count >= 70000)
        var small = DataPathPlanner()
        #expect(throws: BalancerError.self) {
            try small.plan([Service(key: webService, scheduler: .maglev, reals: many)])
        }
    }
}
