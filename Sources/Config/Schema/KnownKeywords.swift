// Keywords keepalived (2.2/2.3, keepalived.conf(5)) accepts that xdpha reads but does not act on
// yet. Each one is reported as "accepted but not supported yet" so nothing is dropped silently.

enum KnownKeywords {
    static let topLevel = [
        "static_ipaddress", "static_routes", "static_rules", "linkbeat_interfaces", "track_group",
        "bfd_instance", "garp_group", "interface_up_down_delays", "SSL",
        "net_namespace", "net_namespace_ipvs", "namespace_with_ipsets", "instance", "use_pid_dir",
        "linkbeat_use_polling", "child_wait_time",
    ]

    static let globalDefs = [
        "tmp_config_directory", "config_save_dir", "process_names", "process_name", "vrrp_process_name",
        "checker_process_name", "bfd_process_name", "startup_script", "startup_script_timeout",
        "shutdown_script", "shutdown_script_timeout", "smtp_alert_vrrp", "smtp_alert_checker",
        "no_email_faults", "lvs_sync_daemon", "lvs_timeouts", "lvs_flush_on_stop", "vrrp_garp_extra_if",
        "vrrp_garp_extra_if_vmac", "nftables", "nftables_priority", "nftables_counters", "nftables_ifindex",
        "nftables_ipvs", "nftables_ipvs_priority", "nftables_ipvs_start_fwmark", "vrrp_iptables",
        "vrrp_ipsets", "disable_local_igmp", "vrrp_notify_priority_changes", "max_auto_priority",
        "min_auto_priority_delay", "vrrp_priority", "checker_priority", "bfd_priority", "vrrp_no_swap",
        "checker_no_swap", "bfd_no_swap", "vrrp_cpu_affinity", "checker_cpu_affinity", "bfd_cpu_affinity",
        "vrrp_rt_priority", "checker_rt_priority", "bfd_rt_priority", "vrrp_rlimit_rttime",
        "checker_rlimit_rttime", "bfd_rlimit_rttime", "snmp_socket", "enable_snmp_vrrp",
        "enable_snmp_checker", "enable_snmp_rfc", "enable_snmp_rfcv2", "enable_snmp_rfcv3",
        "enable_snmp_keepalived", "enable_traps", "enable_dbus", "dbus_service_name",
        "fifo_write_vrrp_states_on_reload", "vrrp_netlink_cmd_rcv_bufs", "vrrp_netlink_cmd_rcv_bufs_force",
        "vrrp_netlink_monitor_rcv_bufs", "vrrp_netlink_monitor_rcv_bufs_force", "lvs_netlink_cmd_rcv_bufs",
        "lvs_netlink_cmd_rcv_bufs_force", "lvs_netlink_monitor_rcv_bufs", "lvs_netlink_monitor_rcv_bufs_force",
        "process_monitor_rcv_bufs", "process_monitor_rcv_bufs_force", "vrrp_rx_bufs_policy",
        "vrrp_rx_bufs_multiplier", "rs_init_notifies", "no_checker_emails", "umask", "log_unknown_vrids",
        "vmac_prefix", "vmac_addr_prefix", "random_seed", "reload_check_config", "include_check",
        "reload_time_file", "reload_repeat", "reload_file", "data_use_instance", "net_namespace",
        "net_namespace_ipvs", "namespace_with_ipsets", "instance", "use_pid_dir", "linkbeat_use_polling",
        "child_wait_time", "lvs_sync_daemon_interface", "vrrp_mcast_group", "script_security",
    ]

    static let vrrpInstance = [
        "vrf", "use_vmac_addr", "use_ipvlan", "native_ipv6", "track_bfd", "mcast_dst_ip",
        "track_src_ip", "unicast_fault_no_peer", "unicast_ttl", "old_unicast_checksum", "garp_extra_if",
        "virtual_routes", "virtual_rules", "promote_secondaries", "debug", "notify_priority_changes",
        "kernel_rx_buf_size", "linkbeat_use_polling", "auth_hmac", "no_virtual_ipaddress",
        "v3_checksum_as_v2", "lvs_sync_daemon_interface", "notify_deleted",
    ]

    static let syncGroup = [
        "track_bfd", "notify_deleted", "notify_priority_changes", "global_tracking",
    ]

    static let virtualServer = [
        "persistence_engine", "snmp_name", "ip_family", "sorry_server_lvs_method",
    ]

    static let realServer = ["snmp_name", "BFD_CHECK"]

    static let checker = ["sni_name", "tls_compliant", "http_protocol_strict"]

    static let url = ["regex", "regex_no_match", "regex_options", "regex_stack", "regex_min_offset", "regex_max_offset"]

    /// Options of an address line in `virtual_ipaddress` that are read but not acted on.
    static let addressOptions: Set<String> = [
        "peer", "home", "-nodad", "mngtmpaddr", "noprefixroute", "autojoin", "preferred_lft", "use_vmac", "track_group",
    ]
}
