// The forwarding section of the bench summary: the lab method (a generator on the client, the
// director's NAPI thread timed) and the saturated method (each path driven from inside the
// director), side by side, with what each one measures said next to its figures.
import Foundation

extension BenchReport {
    var forwardingMarkdown: [String] {
        var lines = ["## Forwarding through the director (LVS-DR lab, XDP vs IPVS)", ""]
        guard !forwarding.isEmpty else { return lines + ["Not run."] }
        lines += ["Two methods, both reported; neither replaces the other.", "",
                  "**Lab method** (what a director sees from a client): the client's generator (BPF_PROG_RUN",
                  "live frames, bpf/trafficgen.c) sends TCP or UDP to VIP:80 from 1,024 source ports as",
                  "fast as it can through a two-armed director (ens33 faces the client, ens34 the reals' bridge);",
                  "the reals count and drop what arrives. TCP is what a director mostly sees, packets of",
                  "established connections: each port's first frame is a SYN (sent paced before the trials, so",
                  "that IPVS and the DR stage both hold every connection), every later frame an ACK of it",
                  "(each run's TCP traffic is named below). Director CPU = CPU time of the kernel thread polling",
                  "the director's ens33 (threaded NAPI): receive, forwarding decision, hand-off to the bridge",
                  "port's ring. pps per director core = frames forwarded / that CPU time. The generator, the",
                  "director, the bridge and the reals share the same CPUs; frames per wakeup shows how many",
                  "frames each wakeup of the director's thread finds (64 is a full NAPI budget: at that point",
                  "a wakeup's fixed cost, scheduling, poll and flush, is spread thin). pps delivered / sent",
                  "shows the loss on the way (the generator outruns the rings).", "",
                  "**Saturated method** (forwarding work per packet on one core): a thread in the director's",
                  "namespace runs BPF_PROG_RUN in live-frames mode with ingress = the director's ens33 and",
                  "drives each path as fast as it can: xdpha_drive (bpf/trafficgen.c) gives each frame the next",
                  "source port (TCP: an ACK of a connection the lab method opened), then tail-calls the entry program attached to ens33 (XDP: it redirects to ens34",
                  "for real) or xdpha_pass (IPVS: the kernel builds an skb and runs ip_rcv, IPVS and the DR",
                  "transmit to the real, in the calling thread). That thread's CPU time / frames = ns/packet; the",
                  "floor is the same harness with a program that drops (the drive program, the tail call, a page",
                  "recycled at once). Not in the floor: a forwarded frame's page comes back only when the bridge",
                  "side is done with it, so the live-frames page pool allocates and initialises new pages per",
                  "frame (the top of a perf profile of the driving thread), work a NIC driver that recycles its",
                  "receive pages does not do. It sits in both paths' \"over the floor\" and weighs most on XDP,",
                  "whose own work is smallest: this method bounds the ratio from below. delivered = frames counted at the",
                  "reals / frames driven: saturated, below 1 when the bridge side (polled on the other CPU,",
                  "building an skb per frame) falls behind and p-dir's ring overflows; paced, bursts of 128",
                  "frames each counted at the reals before the next, which shows the path forwards every frame.", ""]
        for run in forwarding {
            lines += ["### \(run.environment): \(run.machine.cpuModel), \(run.machine.cpus) CPUs, Linux \(run.machine.kernel)", ""]
            if run.environment.contains("TCG") {
                lines += ["**Inside the TCG guest only ratios mean anything, and only roughly**: qemu translates every",
                          "guest instruction, a memory access costs a software TLB lookup, and costs do not scale",
                          "alike (a helper call, an atomic, an interrupt or a wakeup cost far more relative to plain",
                          "arithmetic than on hardware), so absolute rates are tens of times below the hardware's and",
                          "even the XDP/IPVS ratio can differ from a hardware one. Both paths ran on this same guest kernel.", ""]
                if run.environment.contains("icount") {
                    lines += ["icount: the guest's clock advanced 1 ns per guest instruction, so every CPU time here",
                              "counts instructions executed (no cache misses, no stalls; an atomic or a helper call",
                              "counts as its instructions), whatever the busy host did to qemu: repeatable to a few per",
                              "cent, where the plain TCG figures vary several-fold with the host's load. One vCPU: the",
                              "generator, director, bridge and reals take turns on it.", ""]
                }
            }
            let programs = Set(run.results.map(\.program)).sorted()
            lines += ["Forwarding programs: \(programs.joined(separator: "; ")).", ""]
            let traffic = Self.trafficDescriptions(run)
            if !traffic.isEmpty { lines += ["Traffic: \(traffic.joined(separator: "; ")).", ""] }
            lines += ["Lab method:", ""]
            lines += MarkdownTable.lines(["path", "proto", "frame B", "pps per director core", "director ns/packet", "frames per wakeup",
                                          "pps delivered", "delivered/sent", "machine ns/packet"], run.results.map { r in
                [r.path.rawValue, r.transport, "\(r.frameBytes)", Self.spread(r.ppsPerDirectorCore), Self.spread(r.directorNanosecondsPerPacket),
                 Self.spread(r.framesPerWakeup, 1), Self.spread(r.pps), String(format: "%.2f", r.deliveredShare),
                 Self.spread(r.machineNanosecondsPerPacket)]
            })
            if let saturated = run.saturated, !saturated.isEmpty {
                lines += ["", "Saturated method:", ""]
                lines += MarkdownTable.lines(["path", "proto", "frame B", "pps per core", "ns/packet", "harness floor ns", "ns over the floor",
                                              "delivered: saturated / paced"], saturated.map { r in
                    [r.path.rawValue, r.transport, "\(r.frameBytes)", Self.spread(r.ppsPerCore), Self.spread(r.nanosecondsPerPacket),
                     Self.spread(r.floorNanosecondsPerPacket), Self.spread(r.overFloorNanoseconds),
                     String(format: "%.2f / %.2f", r.deliveredShare, r.pacedDeliveredShare)]
                })
            }
            let ratios = Self.ratioRows(run)
            if !ratios.isEmpty {
                lines += ["", "XDP / IPVS per core, both methods (target: at least 5x):", ""]
                lines += MarkdownTable.lines(["proto", "frame B", "lab: XDP", "lab: IPVS", "lab ratio", "saturated: XDP", "saturated: IPVS",
                                              "saturated ratio", "ratio over the floor"], ratios)
            }
            lines.append("")
        }
        return lines
    }

    /// What the generator sent, once per description, in the order of the results; runs made
    /// before the results said so sent TCP SYNs only.
    private static func trafficDescriptions(_ run: ForwardingRun) -> [String] {
        var seen: [String] = []
        for r in run.results {
            let text = r.traffic ?? (r.transport == "tcp" ? "TCP SYNs only (the generator before it sent ACKs)" : "UDP datagrams")
            if !seen.contains(text) { seen.append(text) }
        }
        return seen
    }

    static func spread(_ s: Spread, _ digits: Int = 0) -> String {
        String(format: "%.\(digits)f [%.\(digits)f-%.\(digits)f]", s.median, s.min, s.max)
    }

    private static func ratioRows(_ run: ForwardingRun) -> [[String]] {
        run.results.filter { $0.path == .xdp }.compactMap { xdp in
            guard let ipvs = run.results.first(where: { $0.path == .ipvs && $0.transport == xdp.transport && $0.frameBytes == xdp.frameBytes }),
                  ipvs.ppsPerDirectorCore.median > 0 else { return nil }
            let ratio = xdp.ppsPerDirectorCore.median / ipvs.ppsPerDirectorCore.median
            let row = [xdp.transport, "\(xdp.frameBytes)", "\(Int(xdp.ppsPerDirectorCore.median))", "\(Int(ipvs.ppsPerDirectorCore.median))",
                       String(format: "%.2fx", ratio)]
            let cell = { (path: ForwardingPath) in
                run.saturated?.first { $0.path == path && $0.transport == xdp.transport && $0.frameBytes == xdp.frameBytes }
            }
            if let sx = cell(.xdp), let si = cell(.ipvs), sx.ppsPerCore.median > 0, si.ppsPerCore.median > 0 {
                let overFloor = si.overFloorNanoseconds.median / max(sx.overFloorNanoseconds.median, 1)
                return row + ["\(Int(sx.ppsPerCore.median))", "\(Int(si.ppsPerCore.median))",
                              String(format: "%.2fx", sx.ppsPerCore.median / si.ppsPerCore.median), String(format: "%.2fx", overFloor)]
            }
            return row + ["-", "-", "-", "-"]
        }
    }
}
