// The BPF objects compiled from bpf/*.c, embedded in the binary by the BPFCompile plugin.
import Foundation

public enum EmbeddedBPF {
    /// The ELF bytes of `bpf/NAME.c`'s object, or nil when no such program was built.
    public static func object(named name: String) -> [UInt8]? {
        guard let encoded = objects[name], let data = Data(base64Encoded: encoded) else { return nil }
        return [UInt8](data)
    }

    public static var names: [String] { objects.keys.sorted() }
}
