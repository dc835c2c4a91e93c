// Checks a DRDataPath against the data path's limits and its own consistency before any map is
// touched, so a bad state is refused whole instead of half written.

enum DRDataPathValidation {
    static func check(_ path: DRDataPath) throws {
        var ids = Set<UInt32>()
        var keys = Set<[UInt8]>()
        for service in path.services {
            guard service.id < UInt32(DRDataPath.maxServices) else {
                throw DRDataPathError(description: "service id \(service.id) is not below \(DRDataPath.maxServices)")
            }
            guard ids.insert(service.id).inserted else {
                throw DRDataPathError(description: "service id \(service.id) is used twice")
            }
            _ = try DRMapRecords.family(of: service.address)
            guard keys.insert(service.address + [UInt8(service.port >> 8), UInt8(service.port & 0xFF), service.ipProtocol]).inserted else {
                throw DRDataPathError(description: "service \(service.id) repeats another service's address, port and protocol")
            }
            guard service.ipProtocol == 6 || service.ipProtocol == 17 else {
                throw DRDataPathError(description: "service \(service.id): IP protocol \(service.ipProtocol) is neither TCP nor UDP")
            }
            guard service.ring.count <= DRDataPath.ringSlots else {
                throw DRDataPathError(description: "service \(service.id): \(service.ring.count) ring slots exceed \(DRDataPath.ringSlots)")
            }
        }
        var reals: [UInt32: DRReal] = [:]
        for real in path.reals {
            guard real.index < UInt32(DRDataPath.maxReals) else {
                throw DRDataPathError(description: "real index \(real.index) is not below \(DRDataPath.maxReals)")
            }
            guard reals.updateValue(real, forKey: real.index) == nil else {
                throw DRDataPathError(description: "real index \(real.index) is used twice")
            }
            guard ids.contains(real.serviceID) else {
                throw DRDataPathError(description: "real \(real.index) belongs to service \(real.serviceID), which is not there")
            }
            _ = try DRMapRecords.realValue(real)
        }
        for service in path.services {
            for index in Set(service.ring) {
                guard let real = reals[index], real.serviceID == service.id else {
                    throw DRDataPathError(description: "service \(service.id)'s ring names real \(index), which is not one of its reals")
                }
            }
        }
    }
}
