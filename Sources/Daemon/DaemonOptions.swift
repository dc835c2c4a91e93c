// What `xdpha run` was asked to do.
import Dataplane

public enum VRRPReceptionMode: String, Sendable, CaseIterable {
    /// XDP where it attaches, the raw socket elsewhere (logged per interface).
    case auto
    case xdp
    case socket
}

public struct DaemonOptions: Sendable {
    public var configPath: String
    public var stateDirectory: String
    public var reception: VRRPReceptionMode
    /// --bpf-object: load this object instead of the embedded one (development).
    public var bpfObjectPath: String?
    /// --pin-dir: where the entry program's maps are pinned, shared with `xdpha attach`,
    /// `detach` and `status --services` (nil: not pinned).
    public var pinDirectory: String?
    /// --dataplane: which path serves the virtual servers (XDP, IPVS, or each where it can).
    public var dataPath: DataPathMode
    /// --dont-release-ipvs (keepalived's -I): leave the IPVS services in the kernel on stop.
    public var keepsIPVSServicesOnStop: Bool

    public init(configPath: String, stateDirectory: String = "/run/xdpha",
                reception: VRRPReceptionMode = .auto, bpfObjectPath: String? = nil,
                pinDirectory: String? = "/sys/fs/bpf/xdpha", dataPath: DataPathMode = .auto,
                keepsIPVSServicesOnStop: Bool = false) {
        self.dataPath = dataPath
        self.keepsIPVSServicesOnStop = keepsIPVSServicesOnStop
        self.configPath = configPath
        self.stateDirectory = stateDirectory
        self.reception = reception
        self.bpfObjectPath = bpfObjectPath
        self.pinDirectory = pinDirectory
    }

    public var controlSocketPath: String { stateDirectory + "/control.sock" }
    public var pidFilePath: String { stateDirectory + "/xdpha.pid" }
}
