// Which data path `xdpha run` hands its virtual servers to (`--dataplane auto|xdp|ipvs`): always
// the split path over both implementations, which sends each service where the mode says
// (Sources/Dataplane/SplitDataPath.swift). XDP DR steering shares the daemon's entry program.
import BPF
import Dataplane
import IPVS
import Logging

enum DataPathChoice {
    static func make(options: DaemonOptions, program: EntryProgram?, logger: Logger) -> any DataPath {
        SplitDataPath(mode: options.dataPath,
                      xdp: DaemonSteering(program: program, objectPath: options.bpfObjectPath, logger: logger),
                      ipvs: IPVSDataPath(logger: logger, keepsServicesOnStop: options.keepsIPVSServicesOnStop,
                                         ownershipRecord: IPVSOwnershipRecord(path: options.stateDirectory + "/ipvs-services")),
                      logger: logger)
    }
}
