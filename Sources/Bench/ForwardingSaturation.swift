// The second forwarding method: each path driven at saturation from inside the director, so that
// what is measured is the forwarding work per packet on one core, without the lab method's
// wakeups, half-empty polls and generator competing for the same CPUs.
//
// A thread in the director's namespace runs xdpha_drive (bpf/trafficgen.c) with BPF_PROG_RUN in
// live-frames mode, ingress = the director's ens33, as fast as it can. xdpha_drive gives each
// frame the next client source port (TCP: an ACK, the lab method having opened every port's
// connection with its SYN; the generator's counters are shared) and tail-calls:
// - XDP path: the xdpha_entry attached to ens33, which steers and redirects to ens34 for real;
// - IPVS path: xdpha_pass, so the kernel builds an skb and hands it to the stack on ens33
//   (ip_rcv, IPVS, the DR transmit to the real through ens34), synchronously in this thread;
// - floor: xdpha_discard, the harness alone (page recycling, the drive program, the tail call).
// Everything up to the hand-off to the bridge port's ring (p-dir, polled by its own NAPI thread)
// runs in the calling thread, so its CPU time / frames is the path's cost per packet on one core.
// The reals count what arrives: delivered / frames shows the frames really got there (below 1
// when the bridge side, on the other vCPU, falls behind and p-dir's ring overflows).
//
// What the floor leaves in: a dropped frame's page goes back to the run's page pool at once,
// a forwarded frame's page only when the bridge side is done with it, and meanwhile the pool
// allocates and initialises new pages (__page_pool_alloc_pages_slow led a perf profile of the
// driving thread under icount; a batch of 256 instead of 64 changed nothing). That per-frame
// allocation, which a NIC driver recycling its receive pages does not pay, is in "over the
// floor" for both paths and weighs most on the XDP path, whose own work is smallest.
import BPF
import Foundation
import NetLab

struct SaturatedTrial: Codable {
    var frames: Double
    var cpuSeconds: Double
    var wallSeconds: Double
    var delivered: Double
    /// The harness alone (xdpha_discard as target), measured right before in the same lab.
    var floorNanosecondsPerPacket: Double
    /// The paced check after the run: frames driven in bursts the bridge side can take, and how
    /// many of them the reals counted (all of them, when the path forwards every frame).
    var pacedFrames: Double?
    var pacedDelivered: Double?

    var nanosecondsPerPacket: Double { frames > 0 ? cpuSeconds / frames * 1e9 : 0 }
    var ppsPerCore: Double { cpuSeconds > 0 ? frames / cpuSeconds : 0 }
    var overFloorNanoseconds: Double { nanosecondsPerPacket - floorNanosecondsPerPacket }
}

struct SaturatedResult: Codable {
    var path: ForwardingPath
    var transport: String
    var frameBytes: Int
    var trials: [SaturatedTrial]

    var ppsPerCore: Spread { Spread(trials.map(\.ppsPerCore)) }
    var nanosecondsPerPacket: Spread { Spread(trials.map(\.nanosecondsPerPacket)) }
    var floorNanosecondsPerPacket: Spread { Spread(trials.map(\.floorNanosecondsPerPacket)) }
    var overFloorNanoseconds: Spread { Spread(trials.map(\.overFloorNanoseconds)) }
    var deliveredShare: Double {
        let frames = trials.map(\.frames).reduce(0, +)
        return frames > 0 ? trials.map(\.delivered).reduce(0, +) / frames : 0
    }
    var pacedDeliveredShare: Double {
        let frames = trials.compactMap(\.pacedFrames).reduce(0, +)
        return frames > 0 ? trials.compactMap(\.pacedDelivered).reduce(0, +) / frames : 0
    }
}

/// Drives one lab's director at saturation.
struct ForwardingSaturation {
    let lab: ForwardingLab
    let window: Double

    /// The program xdpha_drive hands frames to on this lab's path: the entry program attached to
    /// the director's ens33 (XDP), or xdpha_pass (IPVS: the kernel stack).
    func pathTarget() throws -> Int32 {
        switch lab.path {
        case .xdp:
            let fd = try lab.director.perform { () throws -> Int32 in
                guard let fd = try XDPAttachment.attachedProgramFD(ifindex: XDPAttachment.ifindex(of: "ens33")) else {
                    throw BenchError("no XDP program on the director's ens33")
                }
                return fd
            }
            return fd
        case .ipvs:
            return try lab.passProgramFD()
        }
    }

    /// One trial: the floor, then the path, on the same frame.
    func measure(frame: [UInt8], pathFD: Int32) throws -> SaturatedTrial {
        let generator = lab.generator
        try generator.setDriveMACs(destination: lab.directorMAC, source: lab.clientMAC)
        try generator.setDriveTarget(programFD: generator.discardFD)
        let floor = try drive(frame: frame, seconds: window / 4)
        try generator.setDriveTarget(programFD: pathFD)
        let deliveredBefore = try generator.sinkCount()
        let run = try drive(frame: frame, seconds: window / 2)
        let delivered = try settledSinkCount(after: deliveredBefore, expecting: run.frames)
        let paced = try pacedDelivery(frame: frame)
        return SaturatedTrial(frames: run.frames, cpuSeconds: run.cpu, wallSeconds: run.wall,
                              delivered: delivered, floorNanosecondsPerPacket: floor.cpu / floor.frames * 1e9,
                              pacedFrames: paced.frames, pacedDelivered: paced.delivered)
    }

    /// Bursts smaller than p-dir's ring, each counted at the reals before the next: what the path
    /// forwards when nothing downstream overflows.
    private func pacedDelivery(frame: [UInt8], bursts: Int = 4, burst: UInt32 = 128) throws -> (frames: Double, delivered: Double) {
        let fd = lab.generator.driveFD
        let before = try lab.generator.sinkCount()
        for round in 1...bursts {
            try lab.director.perform {
                let ifindex = UInt32(try XDPAttachment.ifindex(of: "ens33"))
                try LiveFrames.send(programFD: fd, frame: frame, ifindex: ifindex, packets: burst)
            }
            _ = try settledSinkCount(after: before, expecting: Double(round) * Double(burst))
        }
        return (Double(bursts) * Double(burst), Double(try lab.generator.sinkCount() - before))
    }

    /// Runs xdpha_drive in live-frames mode on the director's ens33 for about `seconds`, in one
    /// thread of the director's namespace; that thread's CPU time is the figure.
    private func drive(frame: [UInt8], seconds: Double) throws -> (frames: Double, cpu: Double, wall: Double) {
        let fd = lab.generator.driveFD
        return try lab.director.perform {
            let ifindex = UInt32(try XDPAttachment.ifindex(of: "ens33"))
            let chunk: UInt32 = 1 << 12
            var frames = 0.0
            let cpuStart = Self.threadCPUSeconds(), start = Date()
            repeat {
                try LiveFrames.send(programFD: fd, frame: frame, ifindex: ifindex, packets: chunk)
                frames += Double(chunk)
            } while Date().timeIntervalSince(start) < seconds
            return (frames, Self.threadCPUSeconds() - cpuStart, Date().timeIntervalSince(start))
        }
    }

    /// The reals' count once it stops rising (the bridge side drains its rings after the run).
    private func settledSinkCount(after before: UInt64, expecting frames: Double) throws -> Double {
        var last = try lab.generator.sinkCount()
        if Double(last - before) >= frames { return Double(last - before) }
        for _ in 0..<20 {
            usleep(100_000)
            let now = try lab.generator.sinkCount()
            if now == last || Double(now - before) >= frames { last = now; break }
            last = now
        }
        return Double(last - before)
    }

    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
