// The values the VRRP reception stage (bpf/include/vrrp_rx.h) and the control plane exchange,
// as Sendable Swift types. Layouts and numbers come from bpf/include/xdpha_maps.h through
// CXDPHA; nothing here touches a map.
import CXDPHA
import Foundation

public enum VRRPAddressFamily: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case ipv4 = 4
    case ipv6 = 6

    var mapValue: UInt8 {
        switch self {
        case .ipv4: return UInt8(XDPHA_VRRP_FAMILY_IPV4)
        case .ipv6: return UInt8(XDPHA_VRRP_FAMILY_IPV6)
        }
    }

    init?(mapValue: UInt8) {
        switch Int32(mapValue) {
        case XDPHA_VRRP_FAMILY_IPV4: self = .ipv4
        case XDPHA_VRRP_FAMILY_IPV6: self = .ipv6
        default: return nil
        }
    }

    public var addressLength: Int { self == .ipv4 ? 4 : 16 }
    public var description: String { self == .ipv4 ? "IPv4" : "IPv6" }
}

/// One virtual router as the stage sees it: an interface, an address family and a VRID.
public struct VRRPReceptionKey: Sendable, Hashable, CustomStringConvertible {
    public let ifindex: UInt32
    public let family: VRRPAddressFamily
    /// 1...255 for a virtual router; 0 names the interface's unclaimed counter slot.
    public let vrid: UInt8

    public init(ifindex: UInt32, family: VRRPAddressFamily, vrid: UInt8) {
        self.ifindex = ifindex
        self.family = family
        self.vrid = vrid
    }

    /// Where the stage counts VRRP frames that no configured VRID claims on this interface.
    public static func unclaimed(ifindex: UInt32, family: VRRPAddressFamily) -> VRRPReceptionKey {
        VRRPReceptionKey(ifindex: ifindex, family: family, vrid: UInt8(XDPHA_VRRP_UNCLAIMED_VRID))
    }

    var mapKey: xdpha_vrrp_key {
        xdpha_vrrp_key(ifindex: ifindex, family: family.mapValue, vrid: vrid, reserved: 0)
    }

    public var description: String { "ifindex \(ifindex) \(family) VRID \(vrid)" }
}

/// An IPv4 or IPv6 address as the stage stores it (network order bytes).
public struct VRRPPeerAddress: Sendable, Hashable, CustomStringConvertible {
    public let family: VRRPAddressFamily
    public let bytes: [UInt8]

    public init?(_ text: String) {
        var buffer = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET, text, &buffer) == 1 {
            self.init(family: .ipv4, bytes: Array(buffer.prefix(4)))
        } else if inet_pton(AF_INET6, text, &buffer) == 1 {
            self.init(family: .ipv6, bytes: buffer)
        } else {
            return nil
        }
    }

    init(family: VRRPAddressFamily, bytes: [UInt8]) {
        self.family = family
        self.bytes = Array(bytes.prefix(family.addressLength))
    }

    public var description: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let af = family == .ipv4 ? AF_INET : AF_INET6
        guard inet_ntop(af, bytes, &text, socklen_t(text.count)) != nil else { return "?" }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// How the stage treats one configured VRID.
public struct VRRPReceptionConfig: Sendable, Equatable {
    /// RFC 2338 authentication; VRRPv3 removed it, so only version 2 may carry a password.
    public enum Authentication: Sendable, Equatable {
        case none
        /// Simple text password: at most 8 bytes, compared after zero padding.
        case password([UInt8])
    }

    /// What happens to an advert of this VRID once the stage handled it (valid or not).
    public enum HandledAdverts: Sendable, Equatable {
        case pass   // the kernel delivers it too (a raw socket still sees adverts)
        case drop   // the host does no more work for it
    }

    public var version: UInt8
    public var authentication: Authentication
    /// Set while the state machine is Master: every advert then wakes it to compare priorities.
    public var isMaster: Bool
    public var handledAdverts: HandledAdverts
    /// Set while the state machine is Backup: the kernel runs Master_Down_Timer.
    public var masterDownTimer: MasterDownTimer?

    /// The kernel's Master_Down_Timer for a backup: restarted by every advert that RFC 5798
    /// 6.4.2 says restarts it, and waking the control plane when it expires.
    public struct MasterDownTimer: Sendable, Equatable {
        public var interval: Duration
        public var localPriority: UInt8
        /// Preempt_Mode right now (false during preempt_delay): adverts below localPriority do
        /// not restart the timer.
        public var preempt: Bool

        public init(interval: Duration, localPriority: UInt8, preempt: Bool) {
            self.interval = interval
            self.localPriority = localPriority
            self.preempt = preempt
        }
    }

    public init(version: UInt8 = 3, authentication: Authentication = .none, isMaster: Bool = false,
                handledAdverts: HandledAdverts = .drop, masterDownTimer: MasterDownTimer? = nil) {
        self.version = version
        self.authentication = authentication
        self.isMaster = isMaster
        self.handledAdverts = handledAdverts
        self.masterDownTimer = masterDownTimer
    }

    /// The map value, or why this configuration cannot be used for `key`.
    func mapValue(for key: VRRPReceptionKey) throws(VRRPReceptionError) -> xdpha_vrrp_config {
        guard key.vrid != UInt8(XDPHA_VRRP_UNCLAIMED_VRID) else { throw .invalidVRID(key.vrid) }
        guard version == 2 || version == 3 else { throw .unsupportedVersion(version) }
        if version == 2 && key.family == .ipv6 { throw .version2OverIPv6 }
        var value = xdpha_vrrp_config()
        value.version = version
        var flags: Int32 = 0
        if isMaster { flags |= Int32(XDPHA_VRRP_CONFIG_MASTER) }
        if handledAdverts == .drop { flags |= Int32(XDPHA_VRRP_CONFIG_DROP) }
        if let timer = masterDownTimer {
            flags |= Int32(XDPHA_VRRP_CONFIG_MASTER_DOWN_TIMER)
            if timer.preempt { flags |= Int32(XDPHA_VRRP_CONFIG_PREEMPT) }
            value.local_priority = timer.localPriority
            let (seconds, attoseconds) = timer.interval.components
            // Rounded up: the kernel must never expire before the state machine's deadline.
            value.master_down_us = UInt32(clamping: seconds * 1_000_000 + (attoseconds + 999_999_999_999) / 1_000_000_000_000)
        }
        value.flags = UInt8(flags)
        switch authentication {
        case .none:
            value.auth_type = UInt8(XDPHA_VRRP_AUTH_NONE)
        case .password(let password):
            guard version == 2 else { throw .authenticationNeedsVersion2 }
            guard password.count <= Int(XDPHA_VRRP_AUTH_DATA_LEN) else { throw .passwordTooLong(password.count) }
            value.auth_type = UInt8(XDPHA_VRRP_AUTH_PASSWORD)
            withUnsafeMutableBytes(of: &value.auth_data) { raw in
                for (index, byte) in password.enumerated() { raw[index] = byte }
            }
        }
        return value
    }
}

/// An accepted advert: the last one recorded for a VRID, or the one that woke the control plane.
public struct VRRPReceivedAdvert: Sendable, Equatable {
    public let source: VRRPPeerAddress
    public let version: UInt8
    public let priority: UInt8
    /// Max Adver Interval in centiseconds (VRRPv2's seconds are converted).
    public let maxAdverIntervalCentiseconds: UInt16
    public let addressCount: UInt8
    /// bpf_ktime_get_ns() at reception: CLOCK_MONOTONIC, comparable with `VRRPClock.now()`.
    public let receivedAtNanoseconds: UInt64

    init(family: VRRPAddressFamily, source: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                                             UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8),
         version: UInt8, priority: UInt8, interval: UInt16, count: UInt8, at nanoseconds: UInt64) {
        let bytes = withUnsafeBytes(of: source) { Array($0) }
        self.source = VRRPPeerAddress(family: family, bytes: bytes)
        self.version = version
        self.priority = priority
        self.maxAdverIntervalCentiseconds = interval
        self.addressCount = count
        self.receivedAtNanoseconds = nanoseconds
    }
}

/// Why the stage woke the control plane (XDPHA_VRRP_WAKE_*).
public struct VRRPWakeReasons: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let newMaster = VRRPWakeReasons(rawValue: UInt8(XDPHA_VRRP_WAKE_NEW_MASTER))
    public static let priorityChanged = VRRPWakeReasons(rawValue: UInt8(XDPHA_VRRP_WAKE_PRIORITY))
    public static let intervalChanged = VRRPWakeReasons(rawValue: UInt8(XDPHA_VRRP_WAKE_INTERVAL))
    public static let priorityZero = VRRPWakeReasons(rawValue: UInt8(XDPHA_VRRP_WAKE_PRIORITY_ZERO))
    public static let whileMaster = VRRPWakeReasons(rawValue: UInt8(XDPHA_VRRP_WAKE_WHILE_MASTER))
    public static let masterDown = VRRPWakeReasons(rawValue: UInt8(XDPHA_VRRP_WAKE_MASTER_DOWN))
}

/// One ring-buffer record: the advert that woke the control plane, and why.
public struct VRRPReceptionEvent: Sendable, Equatable {
    public let key: VRRPReceptionKey
    public let advert: VRRPReceivedAdvert
    public let reasons: VRRPWakeReasons

    /// Nil when the record names no known family (a layout mismatch, never expected).
    init?(_ raw: xdpha_vrrp_event) {
        guard let family = VRRPAddressFamily(mapValue: raw.family) else { return nil }
        key = VRRPReceptionKey(ifindex: raw.ifindex, family: family, vrid: raw.vrid)
        advert = VRRPReceivedAdvert(family: family, source: raw.source, version: raw.version,
                                    priority: raw.priority, interval: raw.max_adver_int,
                                    count: raw.address_count, at: raw.timestamp_ns)
        reasons = VRRPWakeReasons(rawValue: raw.reasons)
    }
}

public enum VRRPReceptionError: Error, Equatable, CustomStringConvertible {
    case invalidVRID(UInt8)
    case unsupportedVersion(UInt8)
    case version2OverIPv6
    case authenticationNeedsVersion2
    case passwordTooLong(Int)
    case notConfigured(VRRPReceptionKey)

    public var description: String {
        switch self {
        case .invalidVRID(let vrid): return "VRID \(vrid) is not valid: use 1...255"
        case .unsupportedVersion(let version): return "VRRP version \(version) is not supported: use 2 or 3"
        case .version2OverIPv6: return "VRRP version 2 is IPv4 only: IPv6 needs version 3"
        case .authenticationNeedsVersion2: return "authentication exists only in VRRP version 2"
        case .passwordTooLong(let count): return "a VRRP password has at most 8 bytes, not \(count)"
        case .notConfigured(let key): return "\(key) is not configured for VRRP reception"
        }
    }
}

/// The clock the stage stamps adverts with.
public enum VRRPClock {
    /// CLOCK_MONOTONIC in nanoseconds: the clock behind bpf_ktime_get_ns().
    public static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
