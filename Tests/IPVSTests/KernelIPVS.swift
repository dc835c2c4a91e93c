// What kernel tests need: an IPVS-capable kernel (the qemu guest of vm/run-in-vm.sh; this
// machine's own kernel has none) and a lab namespace whose IPVS table is theirs alone.
import NetLab
import Testing
@testable import IPVS

enum KernelIPVS {
    /// Why kernel IPVS tests cannot run here, or nil when they can.
    static let unavailableReason: String? = {
        if let reason = Lab.unavailableReason { return reason }
        if let reason = IPVSClient.unavailableReason {
            return "\(reason); run them in the VM with `make ipvs-test`"
        }
        if !Command.exists("ipvsadm") { return "kernel IPVS tests compare with ipvsadm (package ipvsadm)" }
        return nil
    }()

    static let available = unavailableReason == nil
    static let skipComment = Comment(rawValue: unavailableReason ?? "")
}

/// A namespace of its own (IPVS tables are per network namespace, so tests running in
/// parallel do not see each other's services) with a client opened inside it.
struct IPVSNamespace {
    let lab: Lab
    let namespace: NetworkNamespace
    let client: IPVSClient

    init(_ name: String) throws {
        lab = try Lab(name)
        namespace = try lab.namespace("ipvs")
        client = try namespace.perform { try IPVSClient() }
    }

    /// The table as `ipvsadm -Ln` shows it in this namespace.
    func ipvsadm() throws -> IPVSState {
        try IpvsadmListing.parse(namespace.run("ipvsadm", "-Ln").output)
    }

    func dump() throws -> IPVSState { try client.state().canonical }
}
