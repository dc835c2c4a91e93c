// A large, realistic configuration generated in memory: N VRRP instances (auth, a tracked script,
// one VIP each) and M virtual servers with R real servers each, all with TCP checks. A library of
// its own so that the scale tests and the package-benchmark suite load the same file.

public enum LargeConfig {
    public static func text(instances: Int, virtualServers: Int, realServersEach: Int) -> String {
        var text = "global_defs {\n    router_id bench\n}\n\nvrrp_script chk {\n    script \"/bin/true\"\n    interval 2\n}\n\n"
        for index in 0..<instances {
            // 250 VRIDs per interface; benchmark-range addresses (RFC 2544, 198.18.0.0/15).
            text += """
                vrrp_instance VI_\(index) {
                    state BACKUP
                    interface eth\(index / 250)
                    virtual_router_id \(index % 250 + 1)
                    priority \(100 + index % 100)
                    advert_int 1
                    authentication {
                        auth_type PASS
                        auth_pass pw\(index % 1000)
                    }
                    virtual_ipaddress {
                        198.18.\(index / 250).\(index % 250 + 1)/32 dev eth\(index / 250)
                    }
                    track_script {
                        chk weight -10
                    }
                }

                """
        }
        for index in 0..<virtualServers {
            text += """
                virtual_server 198.19.\(index / 250).\(index % 250 + 1) \(1000 + index % 50) {
                    delay_loop 6
                    lb_algo wrr
                    lb_kind DR
                    persistence_timeout 300
                    protocol TCP

                """
            for real in 0..<realServersEach {
                text += """
                        real_server 192.0.2.\(real + 1) \(1000 + index % 50) {
                            weight \(real + 1)
                            TCP_CHECK {
                                connect_timeout 3
                                retry 2
                                delay_before_retry 2
                            }
                        }

                    """
            }
            text += "}\n\n"
        }
        return text
    }
}
