// The control plane's handle on the VRRP reception stage: switch it on per interface, configure
// VRIDs, read what the stage recorded and counted, and take the events it raised.
import CXDPHA
import Foundation

extension EntryProgram {
    /// Switches the stage on for `ifindex` (other stages' flags stay as they are).
    public func enableVRRPReception(ifindex: UInt32) throws {
        try vrrpReception.enable(ifindex: ifindex)
    }

    public func disableVRRPReception(ifindex: UInt32) throws {
        try vrrpReception.disable(ifindex: ifindex)
    }

    /// The XDPHA_IFACE_* flags of `ifindex`, or nil when the interface has no entry.
    public func interfaceStageFlags(ifindex: UInt32) throws -> UInt32? {
        try vrrpReception.interfaceFlags(ifindex: ifindex)
    }

    /// Claims a VRID (or rewrites its configuration). Its last advert and counters survive rewrites.
    public func configureVRRP(_ key: VRRPReceptionKey, _ config: VRRPReceptionConfig) throws {
        try vrrpReception.configure(key, config.mapValue(for: key))
    }

    /// Tells the stage whether the state machine is Master for `key` (every advert then wakes it).
    public func setVRRPMaster(_ key: VRRPReceptionKey, _ isMaster: Bool) throws {
        guard var value = try vrrpReception.configuration(key) else { throw VRRPReceptionError.notConfigured(key) }
        let flag = UInt8(XDPHA_VRRP_CONFIG_MASTER)
        value.flags = isMaster ? value.flags | flag : value.flags & ~flag
        try vrrpReception.configure(key, value)
    }

    /// Releases a VRID: its adverts then pass as unknown, and its record and counters go.
    public func removeVRRP(_ key: VRRPReceptionKey) throws {
        try vrrpReception.remove(key)
    }

    /// The last valid advert for `key`, or nil before the first. Master-down detection reads
    /// `receivedAtNanoseconds` against `VRRPClock.now()` on its own timer.
    public func lastVRRPAdvert(_ key: VRRPReceptionKey) throws -> VRRPReceivedAdvert? {
        try vrrpReception.lastAdvert(key)
    }

    /// The outcome counters of `key` (use `VRRPReceptionKey.unclaimed` for frames no VRID
    /// claimed), or nil when the stage keeps none for it.
    public func vrrpCounts(_ key: VRRPReceptionKey) throws -> VRRPReceptionCounts? {
        try vrrpReception.counts(key)
    }

    /// The events waiting in the ring buffer, without blocking.
    public func consumeVRRPEvents() throws -> [VRRPReceptionEvent] {
        try vrrpReception.events.consume()
    }

    /// Waits for events up to `timeoutMilliseconds`; this holds the actor, so keep the timeout
    /// short or wait on `vrrpEventReadinessFD` outside it and then call `consumeVRRPEvents()`.
    public func pollVRRPEvents(timeoutMilliseconds: Int32) throws -> [VRRPReceptionEvent] {
        try vrrpReception.events.poll(timeoutMilliseconds: timeoutMilliseconds)
    }
}
