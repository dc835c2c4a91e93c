// ServiceHealth bridges the parsed keepalived.conf (Config) and the health checkers (HealthCheck),
// both ways, with no I/O:
//
//   HealthPlan       virtual_server / real_server / checker blocks -> VirtualServerHealthConfiguration
//                    (one per virtual server, named as `VirtualServerNames` says)
//   CheckerMapping   one checker block -> CheckerConfiguration (timing already inherited by Config)
//   EffectiveConfig  the configuration + the pools the checkers keep -> the KeepalivedConfig whose
//                    virtual servers hold exactly those pools: what the daemon hands to DataPath.apply
//
// HealthCheck stays free of Config; the daemon's ServiceSupervisor runs what this module plans.
