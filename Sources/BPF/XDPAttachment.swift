// Attaching and detaching XDP programs on an interface (netlink, so the attachment outlives the
// loader, as a director's must). Runs in the calling thread's network namespace.
import CBPF
import Foundation

public enum XDPMode: String, Sendable, CaseIterable {
    case native   // driver mode
    case generic  // skb mode: slower, works everywhere

    var flag: UInt32 {
        switch self {
        case .native: return UInt32(XDP_FLAGS_DRV_MODE)
        case .generic: return UInt32(XDP_FLAGS_SKB_MODE)
        }
    }
}

public enum XDPAttachment {
    public static func ifindex(of name: String) throws -> Int32 {
        let index = if_nametoindex(name)
        guard index != 0 else { throw BPFError("interface \(name)", code: ENODEV) }
        return Int32(index)
    }

    /// Attaches (or replaces) the program on `ifindex` in `mode`.
    public static func attach(programFD: Int32, ifindex: Int32, mode: XDPMode) throws {
        let result = bpf_xdp_attach(ifindex, programFD, mode.flag, nil)
        try BPFError.check(result, "attach XDP (\(mode.rawValue)) to ifindex \(ifindex)")
    }

    /// Native mode first, generic when the driver refuses; returns the mode that took.
    public static func attachPreferringNative(programFD: Int32, ifindex: Int32) throws -> XDPMode {
        do {
            try attach(programFD: programFD, ifindex: ifindex, mode: .native)
            return .native
        } catch {
            try attach(programFD: programFD, ifindex: ifindex, mode: .generic)
            return .generic
        }
    }

    public static func detach(ifindex: Int32) throws {
        for mode in XDPMode.allCases {
            _ = bpf_xdp_detach(ifindex, mode.flag, nil)
        }
    }

    /// The kernel's id of the program behind `programFD` (what attachedProgramID reports).
    public static func programID(fd programFD: Int32) throws -> UInt32 {
        var info = bpf_prog_info()
        var length = UInt32(MemoryLayout<bpf_prog_info>.size)
        let result = bpf_obj_get_info_by_fd(programFD, &info, &length)
        try BPFError.check(result, "read the info of program fd \(programFD)")
        return info.id
    }

    /// The id of the XDP program attached to `ifindex`, or nil when none is.
    public static func attachedProgramID(ifindex: Int32) throws -> UInt32? {
        var id: UInt32 = 0
        let result = bpf_xdp_query_id(ifindex, 0, &id)
        try BPFError.check(result, "query XDP on ifindex \(ifindex)")
        return id == 0 ? nil : id
    }

    /// A new descriptor of the XDP program attached to `ifindex` in the calling thread's network
    /// namespace (the caller closes it), or nil when none is.
    public static func attachedProgramFD(ifindex: Int32) throws -> Int32? {
        guard let id = try attachedProgramID(ifindex: ifindex) else { return nil }
        let fd = bpf_prog_get_fd_by_id(id)
        try BPFError.check(fd < 0 ? fd : 0, "open XDP program id \(id)")
        return fd
    }
}
