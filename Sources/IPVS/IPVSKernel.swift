// The generic netlink ABI of IPVS, as declared in <linux/ip_vs.h> (IPVS_GENL_*, IPVS_CMD_*,
// IPVS_*_ATTR_*). Tests compare these numbers with the installed header.

enum IPVSKernel {
    static let familyName = "IPVS"
    static let familyVersion: UInt8 = 1
    static let schedulerNameMaxLength = 16     // IP_VS_SCHEDNAME_MAXLEN, NUL included
    static let persistenceEngineNameMaxLength = 16  // IP_VS_PENAME_MAXLEN

    /// IPVS_CMD_*
    enum Command: UInt8 {
        case newService = 1, setService, delService, getService
        case newDest, setDest, delDest, getDest
        case newDaemon, delDaemon, getDaemon
        case setConfig, getConfig, setInfo, getInfo
        case zero, flush
    }

    /// IPVS_CMD_ATTR_*: the top level of a request or reply.
    enum CommandAttribute: UInt16 {
        case service = 1, dest, daemon, timeoutTCP, timeoutTCPFin, timeoutUDP
    }

    /// IPVS_SVC_ATTR_*: inside IPVS_CMD_ATTR_SERVICE.
    enum ServiceAttribute: UInt16 {
        case af = 1, `protocol`, addr, port, fwmark, schedName, flags, timeout, netmask, stats, peName, stats64
    }

    /// IPVS_DEST_ATTR_*: inside IPVS_CMD_ATTR_DEST.
    enum DestinationAttribute: UInt16 {
        case addr = 1, port, fwdMethod, weight, uThresh, lThresh, activeConns, inactConns, persistConns
        case stats, addrFamily, stats64, tunType, tunPort, tunFlags
    }

    /// IP_VS_SVC_F_PERSISTENT
    static let persistentFlag: UInt32 = 0x0001
    /// IP_VS_CONN_F_FWD_MASK
    static let forwardingMask: UInt32 = 0x0007
}
