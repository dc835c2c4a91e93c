/*
 * dr_maps.h: the maps of the DR stage (dr_steer.h). Their key and value layouts, and what each
 * field means, are in xdpha_maps.h, which the Swift control plane shares.
 */
#ifndef XDPHA_DR_MAPS_H
#define XDPHA_DR_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "xdpha_maps.h"

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, XDPHA_DR_MAX_SERVICES);
    __type(key, struct xdpha_dr_vip_key);
    __type(value, struct xdpha_dr_vip);
} xdpha_dr_vips SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, XDPHA_DR_MAX_SERVICES);
    __type(key, struct xdpha_dr_service_key);
    __type(value, struct xdpha_dr_service);
} xdpha_dr_services SEC(".maps");

/* The inner-map template of the service index (xdpha_maps.h). */
struct dr_service_index {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, XDPHA_DR_SERVICE_SLOTS);
    __uint(key_size, sizeof(__u32));
    __uint(value_size, sizeof(struct xdpha_dr_service_slot));
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
    __uint(max_entries, 1);
    __type(key, __u32);
    __array(values, struct dr_service_index);
} xdpha_dr_service_index SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, XDPHA_DR_MAX_REALS);
    __type(key, __u32);
    __type(value, struct xdpha_dr_real);
} xdpha_dr_reals SEC(".maps");

/* The inner-map template: every ring has this size (xdpha_maps.h says why). By sizes, not BTF
 * types: clang emits the block's type only as a forward declaration here, and libbpf cannot size
 * that. */
struct dr_ring {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, XDPHA_DR_RING_BLOCKS);
    __uint(key_size, sizeof(__u32));
    __uint(value_size, sizeof(struct xdpha_dr_ring_block));
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
    __uint(max_entries, XDPHA_DR_MAX_SERVICES);
    __type(key, __u32);
    __array(values, struct dr_ring);
} xdpha_dr_rings SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, XDPHA_DR_MAX_SERVICES);
    __type(key, __u32);
    __type(value, __u32);
} xdpha_dr_cursors SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, XDPHA_DR_MAX_PERSIST);
    __type(key, struct xdpha_dr_persist_key);
    __type(value, struct xdpha_dr_persist);
} xdpha_dr_persist SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
    __uint(max_entries, XDPHA_MAX_IFACES);
    __type(key, __u32);
    __type(value, __u32);
} xdpha_dr_egress SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, XDPHA_DR_MAX_SERVICES);
    __type(key, __u32);
    __type(value, struct xdpha_dr_stats);
} xdpha_dr_service_stats SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, XDPHA_DR_MAX_REALS);
    __type(key, __u32);
    __type(value, struct xdpha_dr_stats);
} xdpha_dr_real_stats SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, XDPHA_DR_OUTCOME_MAX);
    __type(key, __u32);
    __type(value, __u64);
} xdpha_dr_outcomes SEC(".maps");

#endif /* XDPHA_DR_MAPS_H */
