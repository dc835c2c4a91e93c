// `xdpha detach IFACE`: DR steering off for the interface, the XDP program off when no other
// stage (VRRP reception) still runs there, and with `unpin` the pinned maps released.
import BPF
import Foundation

public enum DRDetach {
    /// What was done, one line each.
    public static func detach(interface: String, pinDirectory: PinDirectory, objectPath: String? = nil,
                              unpin: Bool) async throws -> [String] {
        let ifindex = if_nametoindex(interface)
        guard ifindex != 0 else { throw DRControllerError(description: "no interface \(interface)") }
        var done: [String] = []
        var otherStages = false
        if pinDirectory.isOnBPFFileSystem && pinDirectory.holdsPins {
            do {
                // Loading over the pins shares their xdpha_ifaces, the switches the attached program reads.
                let program = try EntryProgram(objectPath: objectPath, pinDirectory: pinDirectory.path)
                try await program.setDRSteering(false, ifindex: ifindex)
                done.append("\(interface): DR steering off")
                otherStages = try await program.interfaceStageFlags(ifindex: ifindex) != nil
            } catch {
                done.append("\(interface): could not reach the pinned maps (\(error)); detaching XDP regardless")
            }
        }
        if otherStages {
            done.append("\(interface): XDP program kept: another stage (VRRP reception) still runs there")
        } else if try XDPAttachment.attachedProgramID(ifindex: Int32(ifindex)) != nil {
            try XDPAttachment.detach(ifindex: Int32(ifindex))
            done.append("\(interface): XDP program detached")
        } else {
            done.append("\(interface): no XDP program was attached")
        }
        if unpin {
            try pinDirectory.removePins()
            done.append("maps unpinned from \(pinDirectory.path)")
        }
        return done
    }
}
