import ArgumentParser

@main
struct XDPHA: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xdpha",
        abstract: "VRRP and LVS-DR load balancing with an XDP fast path; reads keepalived.conf.",
        version: "0.1.0",
        subcommands: [RunCommand.self, StatusCommand.self, CheckConfigCommand.self, AttachCommand.self,
                      DetachCommand.self])
}
