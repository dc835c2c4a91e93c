// Runs one virtual router: feeds its state machine from a queue of inputs and carries out the
// actions it returns (adverts, addresses, announcements, timers, scripts).
import BPF
import Foundation
import Logging
import Netlink
import VRRP
import VRRPIO

final class VirtualRouterRunner: Sendable {
    let plan: RouterPlan
    private let inputs: AsyncStream<RouterInput>
    private let continuation: AsyncStream<RouterInput>.Continuation
    private let snapshot: StatusBox
    private let onStateChange: @Sendable (String, VRRPState, TransitionReason) async -> Void

    init(plan: RouterPlan, reception: ReceptionPath, onStateChange: @escaping @Sendable (String, VRRPState, TransitionReason) async -> Void) {
        self.plan = plan
        (inputs, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(4096))
        snapshot = StatusBox(RouterStatus(
            name: plan.name, interface: plan.interfaceName,
            family: plan.family == .ipv4 ? "ipv4" : "ipv6",
            virtualRouterID: Int(plan.configuration.virtualRouterID), version: Int(plan.configuration.version.rawValue),
            state: "INIT", configuredPriority: Int(plan.configuration.priority),
            effectivePriority: Int(plan.configuration.priority), masterSeen: nil,
            virtualAddresses: plan.addresses.map { "\($0.assignment.address)/\($0.assignment.prefixLength)" },
            lastTransition: nil, receptionPath: reception.name,
            advertsSent: 0, advertsReceived: 0, advertsRejected: [:]))
        self.onStateChange = onStateChange
        self.reception = reception
    }

    let reception: ReceptionPath

    func send(_ input: RouterInput) { continuation.yield(input) }

    /// Stops the router gracefully and waits until its goodbye is done.
    func stop() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            if case .terminated = continuation.yield(.stop(done: { done.resume() })) { done.resume() }
        }
    }

    /// The runner's status; on the XDP path the kernel counted the adverts, so read its counters.
    var status: RouterStatus {
        get async {
            var status = snapshot.value
            if case .xdp(let program, let key) = reception, let counts = try? await program.vrrpCounts(key) {
                status.advertsReceived = counts[.accepted]
                for counter in VRRPReceptionCounter.allCases where counter.isRejection && counts[counter] > 0 {
                    status.advertsRejected[counter.description, default: 0] += counts[counter]
                }
            }
            return status
        }
    }

    /// The loop: runs until a stop input has been handled.
    func run(netlink: RouteNetlink, notify: NotifyScriptQueue, logger: Logger) async throws {
        var engine = try RouterEngine(plan: plan, reception: reception, netlink: netlink, notify: notify,
                                      logger: logger, queue: continuation, snapshot: snapshot,
                                      onStateChange: onStateChange)
        await engine.handle(.event(.startup))
        for await input in inputs {
            if case .stop(let done) = input {
                await engine.handle(.event(.shutdown))
                await engine.finish()
                continuation.finish()
                done()
                return
            }
            await engine.handle(input)
        }
        // Cancelled rather than stopped: still leave the network as a stopping router should.
        continuation.finish()
        await engine.handle(.event(.shutdown))
        await engine.finish()
    }
}

/// The runner's mutable side, owned by its loop alone.
private struct RouterEngine {
    let plan: RouterPlan
    let reception: ReceptionPath
    let netlink: RouteNetlink
    let notify: NotifyScriptQueue
    let logger: Logger
    let queue: AsyncStream<RouterInput>.Continuation
    let snapshot: StatusBox
    let onStateChange: @Sendable (String, VRRPState, TransitionReason) async -> Void

    var router: VirtualRouter
    let sender: VRRPSender
    let arp: GratuitousARPSender?
    let neighborAdvertiser: NeighborAdvertisementSender?
    /// This router's timers on the daemon's one timer thread.
    let timerIDs: [VRRPTimer: UInt64]
    /// Adver_Timer: while master, the timer thread sends the advert encoded here itself.
    let steady: SteadyAdverts
    /// The advert `steady` holds the bytes of.
    var steadyAdvert: VRRPAdvert?
    var refresh: Task<Void, Never>?
    /// The XDP record's timestamp last fed to the state machine.
    var lastFedAdvertNanoseconds: UInt64 = 0
    /// What the XDP stage was last told (nil: nothing yet), and its fixed part.
    var kernelConfig: VRRPReceptionConfig?
    let kernelBase: VRRPReceptionConfig
    var resyncScheduled = false

    init(plan: RouterPlan, reception: ReceptionPath, netlink: RouteNetlink, notify: NotifyScriptQueue,
         logger: Logger, queue: AsyncStream<RouterInput>.Continuation, snapshot: StatusBox,
         onStateChange: @escaping @Sendable (String, VRRPState, TransitionReason) async -> Void) throws {
        self.plan = plan
        self.reception = reception
        self.netlink = netlink
        self.notify = notify
        self.logger = logger
        self.queue = queue
        self.snapshot = snapshot
        self.onStateChange = onStateChange
        router = try VirtualRouter(configuration: plan.configuration)
        timerIDs = Dictionary(uniqueKeysWithValues: VRRPTimer.allCases.map { ($0, TimerScheduler.shared.makeID()) })
        kernelBase = plan.receptionConfig
        sender = try VRRPSender(family: InetAddress.Family(plan.family), ifindex: plan.transmitIfindex)
        let name = plan.name
        steady = SteadyAdverts(
            sender: sender, timerID: timerIDs[.adver]!,
            onError: { [logger] error, destination in
                RateLimitedLog.shared.warn(logger, key: "\(name)-send", "cannot send advert: \(error)",
                                           metadata: ["instance": "\(name)", "to": "\(destination.map { "\($0)" } ?? "group")"])
            })
        snapshot.countSent { [steady] in steady.sentCount }
        let hasIPv4 = plan.addresses.contains { $0.assignment.address.family == .ipv4 }
        let hasIPv6 = plan.addresses.contains { $0.assignment.address.family == .ipv6 }
        arp = hasIPv4 ? try GratuitousARPSender(ifindex: plan.announcement.ifindex) : nil
        neighborAdvertiser = hasIPv6 ? try NeighborAdvertisementSender(ifindex: plan.announcement.ifindex) : nil
    }

    mutating func handle(_ input: RouterInput) async {
        let now = MonotonicClock.now()
        switch input {
        case .event(let event):
            await apply(router.handle(event, at: now))
        case .packet(let packet):
            snapshot.update { $0.advertsReceived += 1 }
            let actions = validated(packet).map { router.handle($0, at: now) } ?? []
            await apply(actions)
        case .xdpWake(let record, let reasons):
            await feed(record)
            if reasons.contains(.masterDown) && router.state == .backup {
                // The kernel's timer expired: no advert that restarts it came for a whole
                // Master_Down_Interval. Fire ours, unless its own deadline is still ahead.
                if let deadline = router.timerDeadlines[.masterDown], deadline > MonotonicClock.now() {
                    armUserTimer(.masterDown, deadline: deadline)
                } else {
                    await apply(router.handle(.timerFired(.masterDown), at: MonotonicClock.now()))
                }
            }
        case .resyncKernel:
            break
        case .timer(let timer):
            if timer == .masterDown, case .xdp(let program, let key) = reception,
               let record = try? await program.lastVRRPAdvert(key) {
                // Adverts do not wake us on the XDP path: the stage's record says whether the
                // master spoke since; if it did, that advert restarts the timer instead.
                await feed(record)
                if let deadline = router.timerDeadlines[.masterDown], deadline > MonotonicClock.now() { break }
            }
            await apply(router.handle(.timerFired(timer), at: MonotonicClock.now()))
        case .stop:
            break
        }
        await syncKernel()
        refreshSteadyAdvert()
        publish()
    }

    /// Keeps the bytes the timer thread sends equal to the advert the state machine would send
    /// now (its effective priority moves with trackers without a transition).
    private mutating func refreshSteadyAdvert() {
        guard router.state == .master, steady.isRunning else { return }
        let advert = router.advert(priority: router.effectivePriority)
        guard advert != steadyAdvert else { return }
        steadyAdvert = advert
        steady.replace(messages(for: advert), interval: router.advertisementInterval)
    }

    /// On the XDP path, tells the stage what it needs of our state: master (wake on every
    /// advert) or backup (run Master_Down_Timer with our priority and preempt mode).
    private mutating func syncKernel() async {
        guard case .xdp(let program, let key) = reception else { return }
        let now = MonotonicClock.now()
        var wanted = kernelBase
        wanted.isMaster = router.state == .master
        if router.state == .backup {
            let preemptNow = plan.configuration.preemptMode && now >= router.preemptAllowedAt
            wanted.masterDownTimer = .init(interval: router.masterDownInterval,
                                           localPriority: router.effectivePriority, preempt: preemptNow)
            if plan.configuration.preemptMode && !preemptNow && !resyncScheduled {
                resyncScheduled = true
                let queue = self.queue, at = router.preemptAllowedAt
                Task { try? await MonotonicClock.sleep(until: at); queue.yield(.resyncKernel) }
            }
            if preemptNow { resyncScheduled = false }
        }
        guard wanted != kernelConfig else { return }
        do {
            try await program.configureVRRP(key, wanted)
            kernelConfig = wanted
        } catch {
            logger.error("cannot update the XDP stage", metadata: ["instance": "\(plan.name)", "error": "\(error)"])
        }
    }

    /// Cancels what is still scheduled and closes the sockets.
    mutating func finish() async {
        steady.stop()
        for id in timerIDs.values { TimerScheduler.shared.cancel(id) }
        refresh?.cancel()
        // Releasing the VRID also deletes its kernel timer, which cancels it.
        if case .xdp(let program, let key) = reception { try? await program.removeVRRP(key) }
        sender.close()
        arp?.close()
        neighborAdvertiser?.close()
        if let vmac = plan.virtualMAC?.ifindex {
            do { try await netlink.deleteLink(ifindex: vmac) } catch {
                logger.warning("cannot delete the virtual MAC interface", metadata: ["instance": "\(plan.name)", "error": "\(error)"])
            }
        }
        await notify.drain()
        publish()
    }

    // MARK: receiving

    private func validated(_ packet: ReceivedVRRPPacket) -> VRRPEvent? {
        guard let source = VRRP.IPAddress(packet.source), let destination = VRRP.IPAddress(packet.destination),
              let addresses = IPHeaderAddresses(source: source, destination: destination) else { return nil }
        let expectations = plan.configuration.expectations
        let vrid = plan.configuration.virtualRouterID
        let result = AdvertReceiver.validate(
            payload: packet.payload,
            header: ReceivedPacketHeader(addresses: addresses, hopLimit: packet.hopLimit),
            lookup: { $0 == vrid ? expectations : nil })
        switch result {
        case .success(let valid):
            snapshot.update { $0.masterSeen = "\(valid.source)" }
            return .advertReceived(valid.advert, source: valid.source, hopLimit: nil)
        case .failure(let rejection):
            count(rejection.reason)
            RateLimitedLog.shared.warn(logger, key: "\(plan.name)-\(rejection.reason)",
                                       "advert rejected: \(rejection)", metadata: ["instance": "\(plan.name)", "from": "\(packet.source)"])
            return nil
        }
    }

    /// Feeds an advert the XDP stage recorded (validated in the kernel) unless it was fed before.
    private mutating func feed(_ record: VRRPReceivedAdvert) async {
        guard record.receivedAtNanoseconds > lastFedAdvertNanoseconds,
              let source = VRRP.IPAddress(record.source),
              let interval = AdvertInterval(centiseconds: Int(record.maxAdverIntervalCentiseconds)),
              let version = VRRPVersion(rawValue: record.version) else { return }
        lastFedAdvertNanoseconds = record.receivedAtNanoseconds
        // The stage checked the address count, not the list; the list is ours by construction.
        let advert = VRRPAdvert(version: version, virtualRouterID: plan.configuration.virtualRouterID,
                                priority: record.priority, interval: interval,
                                addresses: plan.configuration.virtualAddresses,
                                authentication: plan.configuration.authentication)
        snapshot.update { $0.masterSeen = "\(source)" }
        let at = MonotonicClock.instant(nanoseconds: record.receivedAtNanoseconds)
        await apply(router.handle(.advertReceived(advert, source: source, hopLimit: nil), at: at))
    }

    private func count(_ reason: AdvertRejectionReason) {
        snapshot.update { $0.advertsRejected[reason.rawValue, default: 0] += 1 }
    }

    // MARK: acting

    private mutating func apply(_ actions: [VRRPAction]) async {
        for action in actions { await execute(action) }
    }

    private mutating func execute(_ action: VRRPAction) async {
        switch action {
        case .sendAdvert(let advert):
            sendAdvert(advert)
        case .addVirtualAddresses:
            for vip in plan.addresses {
                do { try await netlink.addAddress(vip.assignment, ifindex: vip.ifindex) } catch {
                    logger.error("cannot add \(vip.assignment)", metadata: ["instance": "\(plan.name)", "error": "\(error)"])
                }
            }
        case .removeVirtualAddresses:
            for vip in plan.addresses {
                do { try await netlink.removeAddress(vip.assignment, ifindex: vip.ifindex) } catch {
                    logger.error("cannot remove \(vip.assignment)", metadata: ["instance": "\(plan.name)", "error": "\(error)"])
                }
            }
        case .announceAddresses:
            announce(repeating: plan.announcements.repeatCount)
        case .armTimer(.adver, let deadline):
            let advert = router.advert(priority: router.effectivePriority)
            steadyAdvert = advert
            steady.replace(messages(for: advert), interval: router.advertisementInterval)
            steady.start(at: deadline)
        case .cancelTimer(.adver):
            steady.stop()
        case .armTimer(let timer, let deadline):
            // On the XDP path a Master_Down_Timer restarted by an advert is the kernel's to run
            // (it restarts it on every later advert too); userland sleeps only for the others
            // (startup, Skew_Time after priority 0).
            if timer == .masterDown, case .xdp = reception, lastFedAdvertNanoseconds > 0,
               deadline == MonotonicClock.instant(nanoseconds: lastFedAdvertNanoseconds).advanced(by: router.masterDownInterval) {
                cancelTimer(timer)
            } else {
                armUserTimer(timer, deadline: deadline)
            }
        case .cancelTimer(let timer):
            cancelTimer(timer)
        case .stateChanged(let from, let to, let reason):
            await changedState(from: from, to: to, reason: reason)
        case .effectivePriorityChanged(let from, let to):
            logger.info("effective priority \(from) -> \(to)", metadata: ["instance": "\(plan.name)"])
        case .advertRejected(let rejection):
            count(rejection.reason)
        }
    }

    private func armUserTimer(_ timer: VRRPTimer, deadline: MonotonicInstant) {
        guard let id = timerIDs[timer] else { return }
        let queue = self.queue
        TimerScheduler.shared.schedule(id, at: deadline) { queue.yield(.timer(timer)) }
    }

    private func cancelTimer(_ timer: VRRPTimer) {
        if let id = timerIDs[timer] { TimerScheduler.shared.cancel(id) }
    }

    private func sendAdvert(_ advert: VRRPAdvert) {
        for message in messages(for: advert) {
            do {
                try sender.send(message.payload, to: message.destination, from: message.source)
                snapshot.update { $0.advertsSent += 1 }
            } catch {
                RateLimitedLog.shared.warn(logger, key: "\(plan.name)-send", "cannot send advert: \(error)",
                                           metadata: ["instance": "\(plan.name)", "to": "\(message.destination.map { "\($0)" } ?? "group")"])
            }
        }
    }

    /// `advert` encoded for each destination: the group, or every unicast peer.
    private func messages(for advert: VRRPAdvert) -> [SteadyAdverts.Message] {
        let source = plan.configuration.primaryAddress
        let destinations = plan.peers.isEmpty ? [VRRPWire.group(for: plan.family)] : plan.peers
        return destinations.compactMap { destination -> SteadyAdverts.Message? in
            guard let ip = IPHeaderAddresses(source: source, destination: destination) else { return nil }
            do {
                return SteadyAdverts.Message(payload: try AdvertEncoder.encode(advert, ip: ip),
                                             destination: InetAddress(destination), source: InetAddress(source))
            } catch {
                RateLimitedLog.shared.warn(logger, key: "\(plan.name)-encode", "cannot encode advert: \(error)",
                                           metadata: ["instance": "\(plan.name)", "to": "\(destination)"])
                return nil
            }
        }
    }

    private func announce(repeating count: Int) {
        for _ in 0..<count {
            for vip in plan.addresses {
                let address = vip.assignment.address
                do {
                    if address.family == .ipv4 { try arp?.announce(address, at: plan.announcement.mac) }
                    else { try neighborAdvertiser?.announce(address, at: plan.announcement.mac) }
                } catch {
                    RateLimitedLog.shared.warn(logger, key: "\(plan.name)-announce", "cannot announce \(address): \(error)",
                                               metadata: ["instance": "\(plan.name)"])
                }
            }
        }
    }

    private mutating func changedState(from: VRRPState, to: VRRPState, reason: TransitionReason) async {
        logger.notice("\(from.rawValue.uppercased()) -> \(to.rawValue.uppercased())",
                      metadata: ["instance": "\(plan.name)", "reason": "\(reason)"])
        snapshot.update { $0.lastTransition = Date().timeIntervalSince1970 }
        refresh?.cancel()
        refresh = nil
        if to == .master, let interval = plan.announcements.refreshInterval {
            let plan = self.plan
            let arp = self.arp, na = self.neighborAdvertiser
            refresh = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    if Task.isCancelled { return }
                    for _ in 0..<plan.announcements.refreshRepeat {
                        for vip in plan.addresses {
                            let address = vip.assignment.address
                            if address.family == .ipv4 { try? arp?.announce(address, at: plan.announcement.mac) }
                            else { try? na?.announce(address, at: plan.announcement.mac) }
                        }
                    }
                }
            }
        }
        let state = to.notifyName
        await notify.transition(of: plan.name, to: state, priority: Int(router.effectivePriority), scripts: plan.notify)
        await onStateChange(plan.name, to, reason)
    }

    private func publish() {
        let router = self.router
        snapshot.update {
            $0.state = RouterEngine.name(of: router.state)
            $0.effectivePriority = Int(router.effectivePriority)
        }
    }

    static func name(of state: VRRPState) -> String {
        switch state {
        case .initialize: return "INIT"
        case .backup: return "BACKUP"
        case .master: return "MASTER"
        case .fault: return "FAULT"
        }
    }
}

/// The latest status of one router, read by the control socket while the loop writes it.
final class StatusBox: @unchecked Sendable {
    private let lock = NSLock()
    private var current: RouterStatus
    /// Adverts counted where they were sent (the timer thread's SteadyAdverts), added on read.
    private var sentElsewhere: (@Sendable () -> Int)?

    init(_ value: RouterStatus) { current = value }

    var value: RouterStatus {
        let (status, elsewhere) = lock.withLock { (current, sentElsewhere) }
        var value = status
        value.advertsSent += UInt64(elsewhere?() ?? 0)
        return value
    }

    func countSent(_ count: @escaping @Sendable () -> Int) {
        lock.withLock { sentElsewhere = count }
    }

    func update(_ change: (inout RouterStatus) -> Void) {
        lock.withLock { change(&current) }
    }
}
