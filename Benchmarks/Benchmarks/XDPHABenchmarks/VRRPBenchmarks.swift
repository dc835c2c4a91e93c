// package-benchmark suites for the VRRP module: advert decode and encode, the receiver's checks,
// and state-machine events per second. Registered from Benchmarks.swift; run with `make bench`.
import Benchmark
import VRRP

/// Payloads keepalived 2.2.7 sent (Tests/VRRPTests/Golden), without their IP headers.
private enum CapturedPayload {
    static let v3IPv4: [UInt8] = [0x31, 0x34, 0x78, 0x02, 0x00, 0x32, 0xF6, 0x9B,
                                  0xC6, 0x33, 0x64, 0x65, 0xC6, 0x33, 0x64, 0x66]
    static let v3IPv4Packet = IPHeaderAddresses.ipv4(source: IPv4Address(198, 51, 100, 1),
                                                     destination: VRRPWire.ipv4Group)
    static let v2Pass: [UInt8] = [0x21, 0x33, 0x96, 0x01, 0x01, 0x01, 0xAF, 0xB3,
                                  0xC6, 0x33, 0x64, 0x64,
                                  0x73, 0x65, 0x63, 0x72, 0x65, 0x74, 0x31, 0x32]
    static let v3IPv6Packet = IPHeaderAddresses.ipv6(
        source: IPv6Address(high: 0xFE80_0000_0000_0000, low: 0x0000_00FF_FE00_000A),
        destination: VRRPWire.ipv6Group)
}

func registerVRRPBenchmarks() {
    let metrics: [BenchmarkMetric] = [.throughput, .wallClock, .mallocCountTotal]
    let configuration = Benchmark.Configuration(metrics: metrics, maxDuration: .seconds(2))

    Benchmark("VRRP advert decode (v3 IPv4, 2 addresses)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try AdvertDecoder.decode(CapturedPayload.v3IPv4, ip: CapturedPayload.v3IPv4Packet))
        }
    }

    Benchmark("VRRP advert decode (v2 PASS)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try AdvertDecoder.decode(CapturedPayload.v2Pass, ip: CapturedPayload.v3IPv4Packet))
        }
    }

    Benchmark("VRRP advert encode (v3 IPv6, 1 address)", configuration: configuration) { benchmark in
        let advert = VRRPAdvert(version: .v3, virtualRouterID: 53, priority: 100,
                                interval: AdvertInterval(centiseconds: 100)!,
                                addresses: [.v6(IPv6Address(high: 0x2001_0DB8_0000_0000, low: 0x100))])
        for _ in benchmark.scaledIterations {
            blackHole(try AdvertEncoder.encode(advert, ip: CapturedPayload.v3IPv6Packet))
        }
    }

    Benchmark("VRRP receive validation (socket path, v3 IPv4)", configuration: configuration) { benchmark in
        let expectations = AdvertExpectations(
            version: .v3, isAddressOwner: false, advertisementInterval: AdvertInterval(centiseconds: 50)!,
            authentication: .none,
            virtualAddresses: [.v4(IPv4Address(198, 51, 100, 101)), .v4(IPv4Address(198, 51, 100, 102))])
        let header = ReceivedPacketHeader(addresses: CapturedPayload.v3IPv4Packet, hopLimit: 255)
        for _ in benchmark.scaledIterations {
            blackHole(AdvertReceiver.validate(payload: CapturedPayload.v3IPv4, header: header) {
                $0 == 52 ? expectations : nil
            })
        }
    }

    // A backup hearing its master: the event a VRRP daemon handles most.
    Benchmark("VRRP state machine: backup receives advert", configuration: configuration) { benchmark in
        let local = IPAddress.v4(IPv4Address(198, 51, 100, 3))
        let master = IPAddress.v4(IPv4Address(198, 51, 100, 1))
        let vips: [IPAddress] = [.v4(IPv4Address(198, 51, 100, 101)), .v4(IPv4Address(198, 51, 100, 102))]
        let config = VirtualRouterConfiguration(
            virtualRouterID: 52, priority: 100, advertisementInterval: AdvertInterval(centiseconds: 50)!,
            primaryAddress: local, virtualAddresses: vips)
        var router = try VirtualRouter(configuration: config)
        var now = MonotonicInstant.origin
        _ = router.handle(.startup, at: now)
        let advert = VRRPAdvert(version: .v3, virtualRouterID: 52, priority: 120,
                                interval: AdvertInterval(centiseconds: 50)!, addresses: vips)
        for _ in benchmark.scaledIterations {
            now = now.advanced(by: .milliseconds(500))
            blackHole(router.handle(.advertReceived(advert, source: master, hopLimit: 255), at: now))
        }
    }

    // A master's Adver_Timer: fire, send, re-arm.
    Benchmark("VRRP state machine: master Adver_Timer", configuration: configuration) { benchmark in
        let config = VirtualRouterConfiguration(
            virtualRouterID: 52, priority: 255, advertisementInterval: AdvertInterval(centiseconds: 100)!,
            primaryAddress: .v4(IPv4Address(198, 51, 100, 1)),
            virtualAddresses: [.v4(IPv4Address(198, 51, 100, 101))])
        var router = try VirtualRouter(configuration: config)
        var now = MonotonicInstant.origin
        _ = router.handle(.startup, at: now)
        for _ in benchmark.scaledIterations {
            now = router.timerDeadlines[.adver] ?? now
            blackHole(router.handle(.timerFired(.adver), at: now))
        }
    }
}
