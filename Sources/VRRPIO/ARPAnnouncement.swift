// The gratuitous ARP a new VRRP master sends for each IPv4 VIP (RFC 5798 section 6.4.2): an
// ARP request whose sender and target protocol addresses are both the VIP, from the MAC that
// now owns it, to broadcast, so every host on the link updates its entry for the VIP.
import Netlink

public enum ARPAnnouncement {
    /// The whole Ethernet frame (42 bytes; the driver pads it to the minimum) announcing that
    /// `address` is at `mac`. Throws for an address that is not IPv4.
    public static func frame(announcing address: InetAddress, at mac: MACAddress) throws(VRRPIOError) -> [UInt8] {
        guard address.family == .ipv4 else {
            throw VRRPIOError.wrongAddress("gratuitous ARP is for IPv4 addresses, not \(address)")
        }
        var frame: [UInt8] = []
        frame.reserveCapacity(42)
        frame += MACAddress.broadcast.bytes          // Ethernet destination
        frame += mac.bytes                           // Ethernet source
        frame += [0x08, 0x06]                        // EtherType ARP
        frame += [0x00, 0x01]                        // hardware type Ethernet
        frame += [0x08, 0x00]                        // protocol type IPv4
        frame += [6, 4]                              // address lengths
        frame += [0x00, 0x01]                        // operation: request
        frame += mac.bytes                           // sender hardware address
        frame += address.bytes                       // sender protocol address
        frame += [0, 0, 0, 0, 0, 0]                  // target hardware address: unknown (RFC 5227)
        frame += address.bytes                       // target protocol address = sender's
        return frame
    }
}
