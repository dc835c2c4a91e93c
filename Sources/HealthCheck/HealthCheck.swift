// HealthCheck owns keepalived's real-server checkers and what they decide for the data path.
//
//   Configuration/  Sendable mirrors of keepalived.conf's checker, real and virtual server options
//   Policy/         pure decisions: retry/verdict per checker, liveness, weights, quorum,
//                   sorry server, notify scripts (VirtualServerHealth; tested on a virtual clock)
//   Codecs/         pure wire formats: HTTP probe, MD5 (genhash digest), DNS, ICMP echo, SMTP replies
//   Checkers/       one I/O checker per keyword (TCP, HTTP/SSL, SMTP, DNS, UDP, PING, MISC, FILE)
//   Scripts/        running scripts as keepalived does (user, session, timeout, script security)
//   Runtime/        HealthMonitor: the loops on the real clock, an AsyncStream of HealthEvents
//   Trackers/       VRRP trackers' pure rules (vrrp_script rise/fall, track_file) for the VRRP side
//
// A packet never passes here; a check's verdict goes HealthMonitor -> HealthEvent.poolChanged ->
// the data path's reconcile.
