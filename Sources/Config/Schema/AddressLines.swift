// Lines of `virtual_ipaddress` and `unicast_peer`:
//   192.0.2.10/24 dev eth0 label eth0:1 scope global brd 192.0.2.255
//   2001:db8::7 min_ttl 1 max_ttl 64

enum VirtualAddressReader {
    static let scopes: Set<String> = ["site", "link", "host", "nowhere", "global"]
    static let options = ["dev", "label", "scope", "brd", "broadcast", "no_track"] + KnownKeywords.addressOptions.sorted()

    static func read(_ line: Statement, in block: String, context: inout BuildContext) -> VirtualAddress? {
        guard let (address, prefix) = addressWithPrefix(line.keyword, in: block, context: &context) else { return nil }
        var vip = VirtualAddress(address: address, prefixLength: prefix ?? address.family.maximumPrefixLength)
        vip.source.declaration = line.keyword.location
        let arguments = line.arguments
        var index = 0
        func value(_ option: Token, context: inout BuildContext) -> Token? {
            guard index + 1 < arguments.count else {
                context.log.error("'\(option.text)' needs a value", at: option.location)
                return nil
            }
            index += 1
            return arguments[index]
        }
        while index < arguments.count {
            let option = arguments[index]
            switch option.text {
            case "dev":
                guard let name = value(option, context: &context) else { return nil }
                vip.device = name.text
                vip.source.keywords["dev"] = name.location
            case "label":
                guard let label = value(option, context: &context) else { return nil }
                vip.label = label.text
            case "scope":
                guard let scope = value(option, context: &context) else { return nil }
                guard scopes.contains(scope.text) else {
                    context.log.error("'scope' must be site, link, host, nowhere or global; got '\(scope.text)'", at: scope.location)
                    return nil
                }
                vip.scope = scope.text
            case "brd", "broadcast":
                guard let broadcast = value(option, context: &context) else { return nil }
                if vip.prefixLength >= vip.address.family.maximumPrefixLength {
                    context.log.error("'brd' needs a prefix shorter than /\(vip.prefixLength): a /\(vip.prefixLength) address has no broadcast address",
                                      at: option.location)
                    return nil
                }
                if broadcast.text != "+" && broadcast.text != "-" {
                    guard let address = context.address(broadcast, for: "brd") else { return nil }
                    guard address.family == vip.address.family else {
                        context.log.error("broadcast address \(address) is \(address.family) but the address is \(vip.address.family)",
                                          at: broadcast.location)
                        return nil
                    }
                }
                vip.broadcast = broadcast.text
            case "no_track":
                vip.noTrack = true
            case let name where KnownKeywords.addressOptions.contains(name):
                context.reportNotYetSupportedOption(option, in: block)
                if name == "peer" || name == "preferred_lft" || name == "track_group" { index += 1 }
            default:
                let hint = Suggestions.closest(to: option.text, among: options).map { "; did you mean '\($0)'?" } ?? ""
                context.log.error("unknown option '\(option.text)' for an address in '\(block)'\(hint)", at: option.location)
                return nil
            }
            index += 1
        }
        return vip
    }

    /// `ADDRESS[/PREFIX]`, with the prefix checked against the family.
    static func addressWithPrefix(_ token: Token, in block: String, context: inout BuildContext) -> (IPAddress, Int?)? {
        let parts = token.text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else {
            let keyword = !SchemaDirectory.blocks(accepting: token.text).isEmpty
            context.log.error("'\(token.text)' is not an IP address (in '\(block)')"
                              + (keyword ? "; is the '}' that closes '\(block)' missing?" : ""), at: token.location)
            return nil
        }
        guard parts.count == 2 else { return (address, nil) }
        let limit = address.family.maximumPrefixLength
        guard let prefix = BuildContext.parseInteger(String(parts[1])), (0...limit).contains(prefix) else {
            context.log.error("prefix length '/\(parts[1])' must be between 0 and \(limit) for an \(address.family) address",
                              at: token.location)
            return nil
        }
        return (address, prefix)
    }
}

enum UnicastPeerReader {
    static func read(_ line: Statement, context: inout BuildContext) -> UnicastPeer? {
        guard let address = context.address(line.keyword, for: "unicast_peer") else { return nil }
        var peer = UnicastPeer(address: address)
        peer.source.declaration = line.keyword.location
        var index = 0
        let arguments = line.arguments
        while index < arguments.count {
            let option = arguments[index]
            guard option.text == "min_ttl" || option.text == "max_ttl" else {
                context.log.error("unexpected '\(option.text)' after a unicast peer; expected 'min_ttl N' or 'max_ttl N'", at: option.location)
                return nil
            }
            guard index + 1 < arguments.count else {
                context.log.error("'\(option.text)' needs a value", at: option.location)
                return nil
            }
            guard let ttl = context.integer(arguments[index + 1], for: option.text, in: 0...255) else { return nil }
            if option.text == "min_ttl" { peer.minimumTTL = ttl } else { peer.maximumTTL = ttl }
            index += 2
        }
        return peer
    }
}

extension BuildContext {
    mutating func reportNotYetSupportedOption(_ option: Token, in block: String) {
        let message = "'\(option.text)' is accepted but not supported yet"
        if strict { log.error(message + " (--strict)", at: option.location) } else { log.warning(message, at: option.location) }
        unsupported.append("\(sources.path(of: option.location.file)):\(option.location.line): \(block) \(option.text)")
    }
}
