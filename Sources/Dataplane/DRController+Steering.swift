// Where the controller steers: the entry program attached (native, else generic) and DR steering
// switched on for the interfaces the reals are reached through, or the one it was told.
import BPF
import Foundation

extension DRController {
    func steeringInterfaces(_ realInterfaces: Set<UInt32>) throws -> [(name: String, ifindex: UInt32)] {
        if let name = options.steeringInterface {
            let index = if_nametoindex(name)
            guard index != 0 else { throw DRControllerError(description: "no interface \(name)") }
            return [(name, index)]
        }
        return realInterfaces.sorted().map { ifindex in
            var buffer = [CChar](repeating: 0, count: Int(IF_NAMESIZE) + 1)
            let name = if_indextoname(ifindex, &buffer) != nil ? CText.string(buffer) : "ifindex \(ifindex)"
            return (name, ifindex)
        }
    }

    /// Attaches the entry program where it is not attached yet and switches DR steering on; turns
    /// it off where this controller had switched it on and no real is reached any more.
    func steer(on interfaces: [(name: String, ifindex: UInt32)],
                       report: inout DRApplyReport) async throws -> [DRApplyReport.Steering] {
        let fd = await program.entryFD
        let ownID = try XDPAttachment.programID(fd: fd)
        var result: [DRApplyReport.Steering] = []
        for (name, ifindex) in interfaces {
            var mode: XDPMode?
            do {
                if try XDPAttachment.attachedProgramID(ifindex: Int32(ifindex)) != ownID {
                    let attached = try XDPAttachment.attachPreferringNative(programFD: fd, ifindex: Int32(ifindex))
                    if attached == .generic {
                        report.warnings.append("\(name): the driver refused native XDP; attached in generic (skb) mode, which is slower")
                    }
                    logger.notice("\(name): XDP entry program attached in \(attached.rawValue) mode")
                    mode = attached
                }
                try await program.setDRSteering(true, ifindex: ifindex)
            } catch {
                throw DRSteeringFailure(interface: name, ifindex: ifindex, cause: "\(error)")
            }
            steered.insert(ifindex)
            result.append(.init(interface: name, ifindex: ifindex, attachedMode: mode))
        }
        for ifindex in steered.subtracting(interfaces.map(\.ifindex)) {
            try await Self.stopSteering(program: program, ifindex: ifindex)
            steered.remove(ifindex)
            logger.notice("ifindex \(ifindex): DR steering off (no real is reached through it any more)")
        }
        return result
    }

    /// Switches DR steering off for `ifindex` and detaches XDP when no other stage runs there.
    static func stopSteering(program: EntryProgram, ifindex: UInt32) async throws {
        try await program.setDRSteering(false, ifindex: ifindex)
        if try await program.interfaceStageFlags(ifindex: ifindex) == nil {
            try XDPAttachment.detach(ifindex: Int32(ifindex))
        }
    }
}

/// XDP could not steer on one interface (attach refused, stage switch failed): the split data
/// path then sends the services reached through it to IPVS.
public struct DRSteeringFailure: Error, CustomStringConvertible, Sendable {
    public let interface: String
    public let ifindex: UInt32
    public let cause: String

    public var description: String { "\(interface): XDP cannot steer here: \(cause)" }
}
