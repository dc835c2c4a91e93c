// Turns services into DataPathState. It remembers the ids and indices it handed out, so that a
// service keeps its id and a real its index (and generation) from one plan to the next: a
// connection-table entry written before a reload still names the same real after it.

public struct DataPathPlanner: Sendable {
    public let limits: DataPathLimits
    private var serviceIDs: [ServiceKey: UInt32] = [:]
    private var realSlots: [RealSlotKey: RealSlot] = [:]
    private var lastGeneration: UInt32 = 0

    private struct RealSlotKey: Hashable {
        let service: ServiceKey
        let address: IPAddress
        let port: UInt16
    }

    private struct RealSlot {
        let index: UInt32
        let generation: UInt32
    }

    public init(limits: DataPathLimits = DataPathLimits()) {
        self.limits = limits
    }

    /// A planner that continues from `memory`: the ids, indices and generations another planner
    /// (a previous process, read back from the data path) handed out, so that the flows and
    /// persistent clients recorded under them keep their reals across a restart.
    public init(limits: DataPathLimits = DataPathLimits(), resuming memory: Memory) {
        self.limits = limits
        serviceIDs = memory.serviceIDs
        for real in memory.reals {
            realSlots[RealSlotKey(service: real.service, address: real.address, port: real.port)] =
                RealSlot(index: real.index, generation: real.generation)
        }
        lastGeneration = max(memory.lastGeneration, memory.reals.map(\.generation).max() ?? 0)
    }

    /// What the planner remembers between plans, as plain values.
    public struct Memory: Hashable, Sendable {
        public struct Real: Hashable, Sendable {
            public var service: ServiceKey
            public var address: IPAddress
            public var port: UInt16
            public var index: UInt32
            public var generation: UInt32

            public init(service: ServiceKey, address: IPAddress, port: UInt16, index: UInt32, generation: UInt32) {
                self.service = service
                self.address = address
                self.port = port
                self.index = index
                self.generation = generation
            }
        }

        public var serviceIDs: [ServiceKey: UInt32]
        public var reals: [Real]
        /// The last generation handed out; the next real gets a larger one.
        public var lastGeneration: UInt32

        public init(serviceIDs: [ServiceKey: UInt32] = [:], reals: [Real] = [], lastGeneration: UInt32 = 0) {
            self.serviceIDs = serviceIDs
            self.reals = reals
            self.lastGeneration = lastGeneration
        }
    }

    /// The planner's memory now (after the last successful plan).
    public var memory: Memory {
        Memory(serviceIDs: serviceIDs,
               reals: realSlots.map { Memory.Real(service: $0.key.service, address: $0.key.address, port: $0.key.port,
                                                  index: $0.value.index, generation: $0.value.generation) }
                   .sorted { $0.index < $1.index },
               lastGeneration: lastGeneration)
    }

    /// The state for `services`. On error nothing is remembered: the previous plan still holds.
    public mutating func plan(_ services: [Service]) throws(BalancerError) -> DataPathState {
        try validate(services)
        let sorted = services.sorted { $0.key < $1.key }

        let ids = allocate(keys: sorted.map(\.key), kept: serviceIDs)
        var slotKeys: [RealSlotKey] = []
        for service in sorted {
            for real in service.reals {
                slotKeys.append(RealSlotKey(service: service.key, address: real.address, port: real.port))
            }
        }
        var generation = lastGeneration
        // An index freed by this plan is not given out again by it: the data path may still be
        // reading the old real through a ring that is only replaced after the new reals are written.
        let wanted = Set(slotKeys)
        let freed = Set(realSlots.filter { !wanted.contains($0.key) }.map(\.value.index))
        let indices = allocate(keys: slotKeys, kept: realSlots.mapValues(\.index), avoiding: freed,
                               limit: UInt32(limits.maxReals))
        var slots: [RealSlotKey: RealSlot] = [:]
        for key in slotKeys {
            if let old = realSlots[key], old.index == indices[key] {
                slots[key] = old
            } else {
                generation &+= 1
                slots[key] = RealSlot(index: indices[key]!, generation: generation)
            }
        }

        var state = DataPathState.empty
        for service in sorted {
            let id = ids[service.key]!
            var members: [RealEntry] = []
            for real in service.reals {
                let slot = slots[RealSlotKey(service: service.key, address: real.address, port: real.port)]!
                members.append(RealEntry(index: slot.index, generation: slot.generation, serviceID: id,
                                         server: real, hardwareAddress: nil))
            }
            let ring = try ringOf(service, members: members)
            state.services.append(ServiceEntry(
                key: service.key, id: id, scheduler: service.scheduler,
                lookup: service.scheduler.usesHash ? .hash(service.hashFields) : .walk,
                persistenceTimeout: service.persistenceTimeout, ring: ring))
            state.reals += members
            state.virtualAddresses[service.key.address, default: 0] += 1
        }
        state.services.sort { $0.id < $1.id }
        state.reals.sort { $0.index < $1.index }

        serviceIDs = Dictionary(uniqueKeysWithValues: state.services.map { ($0.key, $0.id) })
        realSlots = slots
        lastGeneration = generation
        return state
    }

    private func validate(_ services: [Service]) throws(BalancerError) {
        var seen = Set<ServiceKey>()
        var realCount = 0
        for service in services {
            guard seen.insert(service.key).inserted else { throw .duplicateService(service.key) }
            var names = Set<[UInt8]>()
            for real in service.reals {
                guard real.address.family == service.key.address.family else {
                    throw .familyMismatch(service.key, real)
                }
                guard names.insert(real.name).inserted else { throw .duplicateReal(service.key, real) }
            }
            realCount += service.reals.count
        }
        if services.count > limits.maxServices {
            throw .tooManyServices(count: services.count, limit: limits.maxServices)
        }
        if realCount > limits.maxReals { throw .tooManyReals(count: realCount, limit: limits.maxReals) }
    }

    /// Keeps the numbers of keys that had one; gives the others the lowest free numbers below
    /// `limit`, those in `avoiding` only when no other is left.
    private func allocate<Key: Hashable>(keys: [Key], kept: [Key: UInt32], avoiding: Set<UInt32> = [],
                                         limit: UInt32 = .max) -> [Key: UInt32] {
        var result: [Key: UInt32] = [:]
        var used = Set<UInt32>()
        for key in keys {
            if let number = kept[key] {
                result[key] = number
                used.insert(number)
            }
        }
        var candidate: UInt32 = 0
        var fallback = avoiding.sorted().makeIterator()
        for key in keys where result[key] == nil {
            while candidate < limit && (used.contains(candidate) || avoiding.contains(candidate)) { candidate += 1 }
            var number = candidate
            if candidate >= limit {
                // Validation keeps the count within the limit, so a freed number is left.
                repeat { number = fallback.next()! } while used.contains(number)
            }
            result[key] = number
            used.insert(number)
        }
        return result
    }

    private func ringOf(_ service: Service, members: [RealEntry]) throws(BalancerError) -> [UInt32] {
        let weights = members.map(\.server.weight)
        switch service.scheduler {
        case .roundRobin, .weightedRoundRobin:
            let positions = RoundRobinRing.build(weights: weights, weighted: service.scheduler == .weightedRoundRobin,
                                                 capacity: limits.ringSlots)
            let indices = members.map(\.index)
            return positions.map { indices[$0] }
        case .maglev, .sourceHash, .destinationHash:
            let active = weights.filter { $0 > 0 }.count
            guard active > 0 else { return [] }
            let size = try tableSize(of: service, activeReals: active)
            let backends = members.map { MaglevTable.Backend(name: $0.server.name, weight: $0.server.weight) }
            let indices = members.map(\.index)
            return MaglevTable.build(backends, size: size).map { indices[Int($0)] }
        }
    }

    private func tableSize(of service: Service, activeReals: Int) throws(BalancerError) -> Int {
        let minimum = activeReals * MaglevTable.slotsPerBackend
        let size = service.tableSize ?? MaglevTable.size(forBackends: activeReals)
        guard MaglevTable.isValidSize(size) else { throw .tableSizeNotPrime(service.key, size) }
        guard size >= minimum else {
            throw .tableTooSmall(service.key, size: size, reals: activeReals, minimum: minimum)
        }
        guard size <= limits.ringSlots else {
            throw .tableTooLarge(service.key, size: size, capacity: limits.ringSlots)
        }
        return size
    }
}
