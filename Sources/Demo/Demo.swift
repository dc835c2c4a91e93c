// `make demo`: builds a small LVS/VRRP lab in network namespaces and shows what xdpha does in it.
// Everything lives in namespaces named xl<pid>-...; they are removed on exit, also on Ctrl-C.
import BPF
import Foundation
import NetLab

@main
struct Demo {
    static func main() async {
        if let reason = Lab.unavailableReason {
            print("demo: cannot run: \(reason)")
            exit(1)
        }
        do {
            let lab = try Lab("demo")
            defer {
                lab.tearDown()
                for director in 1...2 { try? FileManager.default.removeItem(atPath: DemoTopology.pinDirectory(lab: lab, director: director)) }
            }
            let topology = try DemoTopology(lab: lab)
            let work = FileManager.default.temporaryDirectory.appendingPathComponent(lab.id)
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: work) }
            try await EntryProgramScene(topology: topology).play()
            try await VRRPFailoverScene(topology: topology, workDirectory: work).play()
            try await LoadBalancingScene(topology: topology).play()
            try await HealthCheckScene(topology: topology, workDirectory: work).play()
            print("\nThe lab is torn down. Next: `make test`.")
        } catch {
            print("demo: failed: \(error)")
            exit(1)
        }
    }
}
