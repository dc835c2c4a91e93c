// Which stages of the entry program run on which interface: xdpha_ifaces (the authority, a hash
// keyed by ifindex) and its direct-mapped copy xdpha_iface_slots, which the program reads first
// because an array lookup costs it no kernel call (layouts: xdpha_maps.h). Every writer of the
// per-interface flags goes through here, so the two maps never disagree about an interface.
import CBPF
import CXDPHA
import Foundation

final class InterfaceSwitches {
    private let ifaces: BPFMap
    /// nil for an object built before the slots (--bpf-object): it reads xdpha_ifaces only.
    private let slots: BPFMap?

    init(object: BPFObject) throws {
        ifaces = try object.map(named: "xdpha_ifaces")
        slots = try? object.map(named: "xdpha_iface_slots")
    }

    /// The authority's map, for readers that list every interface.
    var interfacesFD: Int32 { ifaces.fd }

    /// The flags of `ifindex`, or nil when no stage runs there.
    func flags(ifindex: UInt32) throws -> UInt32? {
        var key = ifindex
        var entry = xdpha_iface()
        let result = bpf_map_lookup_elem(ifaces.fd, &key, &entry)
        if result < 0 && (-result == ENOENT || errno == ENOENT) { return nil }
        try BPFError.check(result, "read xdpha_ifaces")
        return entry.flags
    }

    /// Sets `bits` on `ifindex` (on: true) or clears them, keeping its other flags.
    func set(_ bits: UInt32, on: Bool, ifindex: UInt32) throws {
        let old = try flags(ifindex: ifindex) ?? 0
        let new = on ? old | bits : old & ~bits
        if new == 0 {
            try writeSlot(flags: 0, ifindex: ifindex)   // the copy first: never a stage the authority lacks
            try ifaces.delete(key: ifindex, missingIsFine: true)
        } else {
            var key = ifindex
            var entry = xdpha_iface(flags: new, reserved: 0)
            try ifaces.update(key: &key, value: &entry)
            try writeSlot(flags: new, ifindex: ifindex)
        }
    }

    /// Mirrors `ifindex`'s flags into its slot when the slot is free or already its own; a slot
    /// another interface holds stays theirs (this one is then read from xdpha_ifaces).
    private func writeSlot(flags: UInt32, ifindex: UInt32) throws {
        guard let slots else { return }
        let index = ifindex % UInt32(XDPHA_IFACE_SLOTS)
        var key = index
        var slot = xdpha_iface_slot()
        try BPFError.check(bpf_map_lookup_elem(slots.fd, &key, &slot), "read xdpha_iface_slots")
        guard slot.ifindex == 0 || slot.ifindex == ifindex else { return }
        var value = flags == 0 ? xdpha_iface_slot() : xdpha_iface_slot(ifindex: ifindex, flags: flags)
        try slots.update(key: index, value: &value)
    }
}
