// What the netlink lab tests read back from iproute2 (TwoHosts and EventRecorder live in NetLab).
import Foundation
import NetLab
import Netlink


/// One address of `ip -j addr show`, as iproute2 prints it.
struct ShownAddress {
    let local: String
    let prefixLength: Int
    let scope: String
    let label: String?
    let flags: Set<String>
}

extension NetworkNamespace {
    /// The addresses `ip -j addr show dev DEV` lists.
    func shownAddresses(dev: String) throws -> [ShownAddress] {
        let json = try run("ip", "-j", "addr", "show", "dev", dev).output
        guard let links = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] else { return [] }
        return links.flatMap { link -> [ShownAddress] in
            let infos = link["addr_info"] as? [[String: Any]] ?? []
            return infos.compactMap { info in
                guard let local = info["local"] as? String, let length = info["prefixlen"] as? Int else { return nil }
                let flags = Set(info.compactMap { key, value in (value as? Bool) == true ? key : nil })
                return ShownAddress(local: local, prefixLength: length, scope: info["scope"] as? String ?? "",
                                    label: info["label"] as? String, flags: flags)
            }
        }
    }
}
