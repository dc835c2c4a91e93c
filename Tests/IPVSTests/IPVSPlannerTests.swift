// The reconcile rules, on values only: what gets added, changed, removed, and what is left alone.
import Testing
@testable import IPVS

@Suite struct IPVSPlannerTests {
    let web = IPVSVirtualServer(IPVSService(Fixture.web, scheduler: "wrr"),
                                destinations: [Fixture.real(11, weight: 2), Fixture.real(12)])

    @Test func emptyKernelGetsEveryServiceThenItsRealServers() {
        let changes = IPVSPlanner.changes(from: .empty, to: IPVSState([web]))
        #expect(changes == [
            .addService(web.service),
            .addDestination(Fixture.web, Fixture.real(11, weight: 2)),
            .addDestination(Fixture.web, Fixture.real(12)),
        ])
    }

    @Test func sameStateInAnotherOrderNeedsNothing() {
        let shuffled = IPVSState(Fixture.mixed.virtualServers.reversed().map {
            IPVSVirtualServer($0.service, destinations: $0.destinations.reversed())
        })
        #expect(IPVSPlanner.changes(from: shuffled, to: Fixture.mixed, owned: Fixture.mixed.serviceKeys).isEmpty)
    }

    @Test func weightChangeIsOneDestinationUpdate() {
        var wanted = web
        wanted.destinations[1].weight = 7
        let changes = IPVSPlanner.changes(from: IPVSState([web]), to: IPVSState([wanted]))
        #expect(changes == [.updateDestination(Fixture.web, from: Fixture.real(12), to: Fixture.real(12, weight: 7))])
    }

    @Test func forwardingChangeIsADestinationUpdate() {
        var wanted = web
        wanted.destinations[0].forwarding = .tunnel
        let changes = IPVSPlanner.changes(from: IPVSState([web]), to: IPVSState([wanted]))
        #expect(changes.count == 1)
        guard case .updateDestination(_, let old, let new) = changes.first else {
            Issue.record("expected a destination update, got \(changes)")
            return
        }
        #expect(old.forwarding == .directRoute && new.forwarding == .tunnel)
    }

    @Test func schedulerAndPersistenceChangesUpdateTheService() {
        var wanted = web
        wanted.service.scheduler = "lc"
        wanted.service.persistence = IPVSPersistence(timeout: 120)
        let changes = IPVSPlanner.changes(from: IPVSState([web]), to: IPVSState([wanted]))
        #expect(changes == [.updateService(from: web.service, to: wanted.service)])
    }

    @Test func fullGranularityEqualsNone() {
        var kernel = web
        kernel.service.persistence = IPVSPersistence(timeout: 60)
        var wanted = web
        wanted.service.persistence = IPVSPersistence(timeout: 60, granularity: 32)
        #expect(IPVSPlanner.changes(from: IPVSState([kernel]), to: IPVSState([wanted])).isEmpty)
    }

    @Test func realServerMissingFromOwnedServiceIsRemovedBeforeAdditions() {
        var wanted = web
        wanted.destinations = [Fixture.real(12), Fixture.real(13)]
        let changes = IPVSPlanner.changes(from: IPVSState([web]), to: IPVSState([wanted]))
        #expect(changes == [
            .removeDestination(Fixture.web, Fixture.real(11).key),
            .addDestination(Fixture.web, Fixture.real(13)),
        ])
    }

    @Test func droppedOwnedServiceIsRemovedFirst() {
        let dns = Fixture.mixed.virtualServer(Fixture.dns)!
        let changes = IPVSPlanner.changes(from: IPVSState([dns, web]), to: IPVSState([web]),
                                          owned: [Fixture.web, Fixture.dns])
        #expect(changes == [.removeService(Fixture.dns)])
    }

    @Test func serviceNotOwnedIsLeftAlone() {
        let foreign = IPVSVirtualServer(IPVSService(.address(.tcp, address("198.51.100.7"), port: 8080), scheduler: "lc"),
                                        destinations: [IPVSDestination(address("198.51.100.8"), port: 8080)])
        let changes = IPVSPlanner.changes(from: IPVSState([foreign]), to: IPVSState([web]), owned: [Fixture.web])
        #expect(changes.allSatisfy { $0.serviceKey == Fixture.web })
        #expect(IPVSPlanner.changes(from: IPVSState([foreign, web]), to: .empty, owned: [Fixture.web])
                == [.removeService(Fixture.web)])
    }

    @Test func namedServiceMadeByOthersIsTakenOver() {
        var foreignCopy = web
        foreignCopy.destinations.append(Fixture.real(99))
        let changes = IPVSPlanner.changes(from: IPVSState([foreignCopy]), to: IPVSState([web]), owned: [])
        #expect(changes == [.removeDestination(Fixture.web, Fixture.real(99).key)])
    }
}

@Suite struct IPVSStateValidationTests {
    func rejects(_ state: IPVSState, mentioning words: String) {
        do {
            try state.validate()
            Issue.record("accepted \(state)")
        } catch {
            #expect(error.description.contains(words), "\(error)")
        }
    }

    @Test func mixedFixtureIsValid() throws {
        try Fixture.mixed.validate()
    }

    @Test func duplicateServiceIsRefused() {
        let server = IPVSVirtualServer(IPVSService(Fixture.web))
        rejects(IPVSState([server, server]), mentioning: "appears twice")
    }

    @Test func duplicateRealServerIsRefused() {
        rejects(IPVSState([IPVSVirtualServer(IPVSService(Fixture.web), destinations: [Fixture.real(11), Fixture.real(11, weight: 4)])]),
                mentioning: "203.0.113.11:80 appears twice")
    }

    @Test(arguments: ["", "weighted-round-robin-x", "r r", "wrr\u{0}"])
    func badSchedulerNameIsRefused(_ name: String) {
        rejects(IPVSState([IPVSVirtualServer(IPVSService(Fixture.web, scheduler: name))]), mentioning: "scheduler name")
    }

    @Test func negativeWeightIsRefused() {
        rejects(IPVSState([IPVSVirtualServer(IPVSService(Fixture.web), destinations: [Fixture.real(11, weight: -1)])]),
                mentioning: "weight -1")
    }

    @Test func persistenceNeedsATimeoutAndAFittingMask() {
        rejects(IPVSState([IPVSVirtualServer(IPVSService(Fixture.web, persistence: IPVSPersistence(timeout: 0)))]),
                mentioning: "timeout")
        rejects(IPVSState([IPVSVirtualServer(IPVSService(Fixture.web, persistence: IPVSPersistence(timeout: 5, granularity: 33)))]),
                mentioning: "granularity /33")
    }

    @Test func otherFamilyNeedsATunnel() {
        let v6 = IPVSDestination(address("2001:db8::1"), port: 80, forwarding: .directRoute)
        rejects(IPVSState([IPVSVirtualServer(IPVSService(Fixture.web), destinations: [v6])]), mentioning: "tunnel")
    }

    @Test func thresholdsMustBeOrdered() {
        let real = IPVSDestination(address("203.0.113.11"), port: 80, upperThreshold: 5, lowerThreshold: 9)
        rejects(IPVSState([IPVSVirtualServer(IPVSService(Fixture.web), destinations: [real])]), mentioning: "threshold")
    }

    @Test func markZeroIsRefused() {
        rejects(IPVSState([IPVSVirtualServer(IPVSService(.firewallMark(0, family: .inet)))]), mentioning: "mark 0")
    }
}
