// The whole resolved configuration: what `xdpha check-config --dump` prints.
import Foundation

public struct KeepalivedConfig: Codable, Sendable, Hashable {
    public var global = GlobalDefinitions()
    public var vrrpScripts: [VRRPScript] = []
    public var trackFiles: [TrackFile] = []
    public var trackProcesses: [TrackProcess] = []
    public var vrrpSyncGroups: [VRRPSyncGroup] = []
    public var vrrpInstances: [VRRPInstance] = []
    public var virtualServerGroups: [VirtualServerGroup] = []
    public var virtualServers: [VirtualServer] = []
    /// Keywords keepalived knows that xdpha does not act on yet, as "FILE:LINE: keyword".
    public var unsupportedKeywords: [String] = []
    @Unencoded public var source = SourceMap()

    public init() {}

    /// Stable JSON: sorted keys, pretty-printed, slashes unescaped.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Every interface the configuration names, with where, for checks against a host.
    public var interfaceReferences: [(name: String, location: SourceLocation?)] {
        var references: [(String, SourceLocation?)] = []
        for instance in vrrpInstances {
            if let interface = instance.interface { references.append((interface, instance.source["interface"])) }
            for address in instance.virtualAddresses + instance.excludedVirtualAddresses {
                if let device = address.device, device != instance.interface {
                    references.append((device, address.source["dev"]))
                }
            }
            for tracker in instance.trackInterfaces { references.append((tracker.name, tracker.source.declaration)) }
        }
        for group in vrrpSyncGroups {
            for tracker in group.trackInterfaces { references.append((tracker.name, tracker.source.declaration)) }
        }
        return references
    }
}
