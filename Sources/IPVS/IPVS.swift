// IPVS: the kernel's LVS table driven through generic netlink, the way ipvsadm and keepalived
// drive it. This module owns:
//   - the desired-state model (IPVSState > IPVSVirtualServer > IPVSService + IPVSDestination),
//     plain Sendable values with validation;
//   - the messages: IPVSRequest builds them, IPVSReply reads the kernel's dumps, both as bytes
//     (NetlinkAttributes), with the numbers of <linux/ip_vs.h> in IPVSKernel;
//   - IPVSClient, the one owner of a libnl-genl socket (list, add, change, remove, flush);
//   - IPVSPlanner (pure diff, ownership rule) and IPVSReconciler (read, plan, apply, remember).
// The machine's own kernel may lack IPVS: IPVSClient then throws IPVSError.unavailable. Tests
// against a real IPVS run in the qemu guest of vm/run-in-vm.sh (`make ipvs-test`).
