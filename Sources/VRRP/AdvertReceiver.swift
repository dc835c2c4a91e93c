// The receiver's checks of RFC 3768 and RFC 5798 section 7.1, in the RFC's order, as one function
// the socket path and the daemon's handling of XDP-forwarded packets both call.

/// What a receiver must know of one local virtual router to judge an advert for it.
public struct AdvertExpectations: Hashable, Sendable {
    public var version: VRRPVersion
    /// Priority 255 locally: such a router discards every advert for its VRID (RFC 5798 7.1).
    public var isAddressOwner: Bool
    /// The configured interval; VRRPv2 drops adverts with a different one, VRRPv3 learns it.
    public var advertisementInterval: AdvertInterval
    /// VRRPv2 authentication; always `.none` for VRRPv3.
    public var authentication: V2Authentication
    public var virtualAddresses: [IPAddress]
    /// Compare the advertised address list with `virtualAddresses` (RFC 7.1 "MAY verify";
    /// keepalived's `skip_check_adv_addr` turns it off).
    public var checksAddressList: Bool

    public init(version: VRRPVersion, isAddressOwner: Bool, advertisementInterval: AdvertInterval,
                authentication: V2Authentication, virtualAddresses: [IPAddress],
                checksAddressList: Bool = true) {
        self.version = version
        self.isAddressOwner = isAddressOwner
        self.advertisementInterval = advertisementInterval
        self.authentication = authentication
        self.virtualAddresses = virtualAddresses
        self.checksAddressList = checksAddressList
    }
}

/// An advert that passed every check, with the facts the state machine needs.
public struct ValidatedAdvert: Hashable, Sendable {
    public var advert: VRRPAdvert
    /// The IP source: the sender's primary address, compared on priority ties.
    public var source: IPAddress
    /// False when the address list differs from the configured one but the advert was kept
    /// anyway (VRRPv3, or a v2 advert from the owner): the RFC asks to log a misconfiguration.
    public var addressListMatches: Bool
}

/// The IP-level facts of a received packet: its addresses and its TTL / hop limit.
public struct ReceivedPacketHeader: Hashable, Sendable {
    public var addresses: IPHeaderAddresses
    public var hopLimit: UInt8

    public init(addresses: IPHeaderAddresses, hopLimit: UInt8) {
        self.addresses = addresses
        self.hopLimit = hopLimit
    }
}

public enum AdvertReceiver {
    /// Judges one received VRRP payload. `lookup` gives the local virtual router for a VRID on the
    /// receiving interface and family, or nil when there is none.
    ///
    /// Order (RFC 5798 / RFC 3768 section 7.1): TTL 255; the payload decodes (version, type,
    /// complete packet, checksum, interval, auth type); VRID configured and not owned locally;
    /// version as configured; v2 Auth Type and password; address list (v2: drop unless the sender
    /// is the owner; v3: keep, flag); v2 Adver Int equal to the configured one.
    public static func validate(
        payload: [UInt8], header: ReceivedPacketHeader,
        lookup: (UInt8) -> AdvertExpectations?
    ) -> Result<ValidatedAdvert, AdvertRejection> {
        guard header.hopLimit == VRRPWire.requiredHopLimit else {
            return .failure(.hopLimit(header.hopLimit))
        }
        let advert: VRRPAdvert
        do {
            advert = try AdvertDecoder.decode(payload, ip: header.addresses)
        } catch {
            return .failure(.malformed(error))
        }
        guard let expectations = lookup(advert.virtualRouterID) else {
            return .failure(.unknownVirtualRouter(advert.virtualRouterID))
        }
        return check(advert, source: header.addresses.source, hopLimit: nil, against: expectations)
    }

    /// The checks that follow decoding, for an advert that is already decoded (the XDP path
    /// decodes in the kernel, or a test builds one). `hopLimit` nil means it was checked before.
    public static func check(
        _ advert: VRRPAdvert, source: IPAddress, hopLimit: UInt8?,
        against expectations: AdvertExpectations
    ) -> Result<ValidatedAdvert, AdvertRejection> {
        if let hopLimit, hopLimit != VRRPWire.requiredHopLimit {
            return .failure(.hopLimit(hopLimit))
        }
        if expectations.isAddressOwner {
            return .failure(.localIsAddressOwner(virtualRouterID: advert.virtualRouterID))
        }
        guard advert.version == expectations.version else {
            return .failure(.versionMismatch(configured: expectations.version,
                                             received: advert.version))
        }
        if advert.version == .v2 {
            let configured = expectations.authentication
            guard advert.authentication.typeCode == configured.typeCode else {
                return .failure(.authTypeMismatch(configured: configured.typeCode,
                                                  received: advert.authentication.typeCode))
            }
            guard advert.authentication == configured else { return .failure(.authMismatch) }
        }

        let listMatches = !expectations.checksAddressList
            || advert.addresses == expectations.virtualAddresses  // the usual case, no allocation
            || advert.addresses.count == expectations.virtualAddresses.count
                && Set(advert.addresses) == Set(expectations.virtualAddresses)
        // RFC 3768 7.1: a mismatched list is dropped unless the owner sent it. RFC 5798 7.1 only
        // asks to log, so a v3 advert is kept and flagged.
        if !listMatches && advert.version == .v2 && advert.priority != 255 {
            return .failure(.addressListMismatch(received: advert.addresses))
        }
        if advert.version == .v2 && advert.interval != expectations.advertisementInterval {
            return .failure(.intervalMismatch(configured: expectations.advertisementInterval,
                                              received: advert.interval))
        }
        return .success(ValidatedAdvert(advert: advert, source: source,
                                        addressListMatches: listMatches))
    }
}
