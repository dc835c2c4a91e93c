// The top level of keepalived.conf, and a directory of every block's keywords for hints
// ("it belongs in 'virtual_server'") and for the tree parser's brace recovery.

enum TopLevelSchema {
    static let name = "top level"

    static let schema = BlockSchema<KeepalivedConfig>(name, [
        .block("global_defs", \.global) { GlobalDefsSchema.schema }.repeatable(),
        .namedBlock("vrrp_script", \.vrrpScripts, make: { VRRPScript(name: $0) }) { VRRPScriptSchema.schema },
        .namedBlock("track_file", \.trackFiles, make: { TrackFile(name: $0) }) { TrackFileSchema.schema }.alias("vrrp_track_file"),
        .namedBlock("vrrp_track_process", \.trackProcesses, make: { TrackProcess(name: $0) }) { TrackProcessSchema.schema },
        .namedBlock("vrrp_instance", \.vrrpInstances, make: { VRRPInstance(name: $0) }) { VRRPInstanceSchema.schema },
        .namedBlock("vrrp_sync_group", \.vrrpSyncGroups, make: { VRRPSyncGroup(name: $0) }) { VRRPSyncGroupSchema.schema },
        VirtualServerGroupSchema.rule,
        VirtualServerSchema.rule,
    ], notYetSupported: KnownKeywords.topLevel)
}

enum SchemaDirectory {
    /// Every block reachable from the top level, by name, with its keywords.
    static let blocks: [SchemaInfo] = {
        var found: [SchemaInfo] = []
        var seen = Set<String>()
        var queue = [TopLevelSchema.schema.info]
        while let info = queue.popLast() {
            guard seen.insert(info.name).inserted else { continue }
            found.append(info)
            for keyword in info.keywords.sorted() {
                if let child = info.child(keyword) { queue.append(child) }
            }
        }
        return found
    }()

    private static let homes: [String: [String]] = {
        var homes: [String: [String]] = [:]
        for block in blocks where block.name != TopLevelSchema.name {
            for keyword in block.keywords { homes[keyword, default: []].append(block.name) }
        }
        for keyword in TopLevelSchema.schema.keywordNames { homes[keyword, default: []].append("the top level") }
        return homes.mapValues { $0.sorted() }
    }()

    /// Names of the blocks where `keyword` is valid.
    static func blocks(accepting keyword: String) -> [String] {
        homes[keyword] ?? []
    }
}

struct SchemaGrammar: BlockGrammar {
    /// The keywords of every known block by its path of block keywords, computed once: the tree
    /// parser asks for them whenever braces do not balance.
    private static let keywordsByPath: [[String]: Set<String>] = {
        var table: [[String]: Set<String>] = [:]
        var queue: [([String], SchemaInfo)] = [([], TopLevelSchema.schema.info)]
        while let (path, info) = queue.popLast() {
            table[path] = info.keywords
            guard path.count < 8 else { continue }
            for keyword in info.keywords.sorted() {
                if let child = info.child(keyword) { queue.append((path + [keyword], child)) }
            }
        }
        return table
    }()

    func keywords(atPath path: [String]) -> Set<String>? {
        Self.keywordsByPath[path]
    }
}
