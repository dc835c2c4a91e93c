// DRService and DRReal as the C structs of bpf/include/xdpha_maps.h. The structs come from the
// header itself (CXDPHA), so their layout cannot drift; C arrays arrive in Swift as tuples and
// are filled through their bytes.
import CXDPHA

enum DRMapRecords {
    static func family(of address: [UInt8]) throws -> UInt8 {
        switch address.count {
        case 4: return UInt8(XDPHA_DR_FAMILY_IPV4)
        case 16: return UInt8(XDPHA_DR_FAMILY_IPV6)
        default: throw DRDataPathError(description: "an address has \(address.count) bytes, not 4 or 16")
        }
    }

    /// Copies `bytes` into the start of a C array field (a tuple); the rest stays as it was (zero).
    static func fill<Field>(_ field: inout Field, with bytes: [UInt8]) {
        withUnsafeMutableBytes(of: &field) { raw in
            precondition(bytes.count <= raw.count, "field too small")
            raw.copyBytes(from: bytes)
        }
    }

    static func vipKey(_ address: [UInt8]) throws -> xdpha_dr_vip_key {
        var key = xdpha_dr_vip_key()
        key.family = try family(of: address)
        fill(&key.addr, with: address)
        return key
    }

    static func serviceKey(_ service: DRService) throws -> xdpha_dr_service_key {
        try serviceKey(address: service.address, port: service.port, ipProtocol: service.ipProtocol)
    }

    static func serviceKey(address: [UInt8], port: UInt16, ipProtocol: UInt8) throws -> xdpha_dr_service_key {
        var key = xdpha_dr_service_key()
        fill(&key.addr, with: address)
        key.port = port.bigEndian
        key.proto = ipProtocol
        key.family = try family(of: address)
        return key
    }

    static func serviceValue(_ service: DRService) -> xdpha_dr_service {
        var value = xdpha_dr_service()
        value.id = service.id
        value.persistence_timeout = service.persistenceTimeout
        value.lvs_sched = service.schedulerName.mapValue
        switch service.lookup {
        case .hash(let fields):
            value.scheduler = UInt8(XDPHA_DR_SCHED_HASH)
            value.hash_fields = fields
        case .walk:
            value.scheduler = UInt8(XDPHA_DR_SCHED_WALK)
        }
        return value
    }

    static func realValue(_ real: DRReal) throws -> xdpha_dr_real {
        var value = xdpha_dr_real()
        fill(&value.addr, with: real.address)
        value.family = try family(of: real.address)
        value.generation = real.generation
        value.service_id = real.serviceID
        value.weight = real.weight
        var flags = UInt8(XDPHA_DR_REAL_IN_USE)
        if real.takesNewFlows { flags |= UInt8(XDPHA_DR_REAL_ACTIVE) }
        if let link = real.link {
            guard link.destination.count == 6, link.source.count == 6 else {
                throw DRDataPathError(description: "real \(real.index): a MAC address has not 6 bytes")
            }
            fill(&value.dmac, with: link.destination)
            fill(&value.smac, with: link.source)
            value.ifindex = link.ifindex
            flags |= UInt8(XDPHA_DR_REAL_RESOLVED)
        }
        value.flags = flags
        return value
    }
}
