// Owners of libbpf handles. A BPFObject frees its bpf_object when it goes; programs and maps
// borrow pointers from it and therefore keep it alive. None of these types is Sendable: they are
// owned by one actor (see XDPProgramSet), which hands out only plain values.
import CBPF
import Foundation

public final class BPFObject {
    let handle: OpaquePointer
    /// open_mem keeps pointing into the buffer until load: the object owns its copy.
    private let buffer: UnsafeMutableRawBufferPointer

    /// Opens and loads an ELF object held in memory. With `pinDirectory`, every map whose name
    /// starts with `pinnedMapPrefix` is pinned there by name: a map already pinned at its path
    /// is reused (its contents survive this process), a missing one is created and pinned. The
    /// directory must be on a BPF file system.
    public init(bytes: [UInt8], name: String, pinDirectory: String? = nil,
                pinnedMapPrefix: String = "xdpha_") throws {
        LibBPFLog.install()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
        buffer.copyBytes(from: bytes)
        self.buffer = buffer
        var opts = bpf_object_open_opts()
        opts.sz = MemoryLayout<bpf_object_open_opts>.size
        let opened: OpaquePointer? = name.withCString { cName in
            opts.object_name = cName
            return bpf_object__open_mem(buffer.baseAddress, bytes.count, &opts)
        }
        guard let opened, libbpf_get_error(UnsafeRawPointer(opened)) == 0 else {
            buffer.deallocate()
            throw BPFError("open BPF object \(name)", code: errno == 0 ? EINVAL : errno)
        }
        // Everything that can fail works on `opened`: once `handle` is set the object counts as
        // initialised, and a throw would run deinit on top of the cleanup here.
        if let pinDirectory {
            var map = bpf_object__next_map(opened, nil)
            while let current = map {
                let mapName = String(cString: bpf_map__name(current))
                if mapName.hasPrefix(pinnedMapPrefix) && BPFObject.isPinnable(bpf_map__type(current)) {
                    let result = bpf_map__set_pin_path(current, pinDirectory + "/" + mapName)
                    if result < 0 {
                        bpf_object__close(opened)
                        buffer.deallocate()
                        throw BPFError("pin path of map \(mapName) under \(pinDirectory)", code: result)
                    }
                }
                map = bpf_object__next_map(opened, current)
            }
        }
        let loaded = bpf_object__load(opened)
        if loaded < 0 {
            bpf_object__close(opened)
            buffer.deallocate()
            let pins = pinDirectory.map {
                "; if libbpf says a pinned map does not match, the maps under \($0) come from another build"
            } ?? ""
            throw BPFError("load BPF object \(name) (verifier log above\(pins))", code: loaded)
        }
        handle = opened
    }

    /// Device maps are left unpinned: the kernel adds BPF_F_RDONLY_PROG to their flags, so
    /// libbpf 1.1 finds a pinned one "incompatible" with the object's definition and refuses to
    /// reuse it. Their contents (interface indices) are rewritten by each writer anyway.
    static func isPinnable(_ type: bpf_map_type) -> Bool {
        type != BPF_MAP_TYPE_DEVMAP && type != BPF_MAP_TYPE_DEVMAP_HASH
    }

    deinit {
        bpf_object__close(handle)
        buffer.deallocate()
    }

    public func program(named name: String) throws -> BPFProgram {
        guard let prog = bpf_object__find_program_by_name(handle, name) else {
            throw BPFError("find program \(name)", code: ENOENT)
        }
        return BPFProgram(object: self, handle: prog, name: name)
    }

    public func map(named name: String) throws -> BPFMap {
        guard let map = bpf_object__find_map_by_name(handle, name) else {
            throw BPFError("find map \(name)", code: ENOENT)
        }
        return BPFMap(object: self, handle: map, name: name)
    }
}

public final class BPFProgram {
    private let object: BPFObject
    let handle: OpaquePointer
    public let name: String

    init(object: BPFObject, handle: OpaquePointer, name: String) {
        self.object = object
        self.handle = handle
        self.name = name
    }

    /// The program's file descriptor; valid while this program's object lives.
    public var fd: Int32 { bpf_program__fd(handle) }
}

public final class BPFMap {
    private let object: BPFObject
    let handle: OpaquePointer
    public let name: String

    init(object: BPFObject, handle: OpaquePointer, name: String) {
        self.object = object
        self.handle = handle
        self.name = name
    }

    public var fd: Int32 { bpf_map__fd(handle) }

    /// Sums a per-CPU array slot of __u64 counters over all possible CPUs.
    public func perCPUSum(index: UInt32) throws -> UInt64 {
        let cpus = Int(libbpf_num_possible_cpus())
        var values = [UInt64](repeating: 0, count: max(cpus, 1))
        var key = index
        let result = values.withUnsafeMutableBytes { raw in
            bpf_map_lookup_elem(fd, &key, raw.baseAddress)
        }
        try BPFError.check(result, "read \(name)[\(index)]")
        return values.reduce(0, &+)
    }
}

/// Routes libbpf's messages (verifier logs among them) to stderr, where a log line belongs.
enum LibBPFLog {
    private static let installed: Void = {
        libbpf_set_print { level, format, args in
            guard let format, let args else { return 0 }
            if level == LIBBPF_DEBUG { return 0 }
            var buffer = [CChar](repeating: 0, count: 4096)
            let count = vsnprintf(&buffer, buffer.count, format, args)
            _ = buffer.withUnsafeBufferPointer { write(STDERR_FILENO, $0.baseAddress, strlen($0.baseAddress!)) }
            return count
        }
    }()

    static func install() { _ = installed }
}
