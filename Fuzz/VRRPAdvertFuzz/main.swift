// libFuzzer harness for the VRRP advert decoder, the receiver checks and the state machine.
// Built by `make fuzz-vrrp` with the Sources/VRRP files into one module (so it may use internal
// names) and `-parse-as-library`, so that libFuzzer supplies `main`.
//
// Input layout: byte 0 selects the packet (bit 0: IPv6; bit 1: repair the checksum so the checks
// behind it are reached; bit 2: hop limit 254 instead of 255); the rest is the VRRP payload.
// A crash, or an accepted advert that does not survive re-encoding, is a finding.

private let ipv4Packet = IPHeaderAddresses.ipv4(source: IPv4Address(198, 51, 100, 1),
                                                destination: VRRPWire.ipv4Group)
private let ipv6Packet = IPHeaderAddresses.ipv6(source: IPv6Address(high: 0xFE80_0000_0000_0000, low: 0xFF_FE00_000A),
                                                destination: VRRPWire.ipv6Group)

@_cdecl("LLVMFuzzerTestOneInput")
public func vrrpAdvertFuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let selector = data[0]
    var payload = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let ip = selector & 1 == 0 ? ipv4Packet : ipv6Packet
    if selector & 2 != 0 && payload.count >= VRRPWire.fixedHeaderLength {
        payload[6] = 0
        payload[7] = 0
        let checksum = AdvertChecksum.compute(payload, version: payload[0] >> 4 == 3 ? .v3 : .v2, ip: ip)
        payload[6] = UInt8(checksum >> 8)
        payload[7] = UInt8(truncatingIfNeeded: checksum)
    }

    let advert: VRRPAdvert
    do {
        advert = try AdvertDecoder.decode(payload, ip: ip)
    } catch {
        _ = error.reason
        return 0
    }
    do {
        let again = try AdvertDecoder.decode(AdvertEncoder.encode(advert, ip: ip), ip: ip)
        precondition(again == advert, "re-encoding changed \(advert) into \(again)")
    } catch {
        preconditionFailure("a decoded advert failed to re-encode: \(error)")
    }

    // The receiver's checks and a state machine configured to match, fed the advert.
    let header = ReceivedPacketHeader(addresses: ip, hopLimit: selector & 4 == 0 ? 255 : 254)
    let configuration = VirtualRouterConfiguration(
        virtualRouterID: max(1, advert.virtualRouterID), version: advert.version, priority: 100,
        advertisementInterval: advert.interval, primaryAddress: ip.destination,
        virtualAddresses: advert.addresses, authentication: advert.authentication)
    _ = AdvertReceiver.validate(payload: payload, header: header) { _ in configuration.expectations }
    guard var router = try? VirtualRouter(configuration: configuration) else { return 0 }
    var now = MonotonicInstant.origin
    _ = router.handle(.startup, at: now)
    for event in [VRRPEvent.advertReceived(advert, source: ip.source, hopLimit: header.hopLimit),
                  .timerFired(.masterDown), .advertReceived(advert, source: ip.source, hopLimit: nil),
                  .timerFired(.adver), .shutdown] {
        now = router.timerDeadlines.values.min() ?? now
        _ = router.handle(event, at: now)
    }
    return 0
}
