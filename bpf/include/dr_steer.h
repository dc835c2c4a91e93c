/*
 * dr_steer.h: the LVS-DR steering stage of the entry program (issue: LVS-DR steering in XDP).
 * Not written yet: every frame continues to the next stage.
 */
#ifndef XDPHA_DR_STEER_H
#define XDPHA_DR_STEER_H

static __always_inline int dr_stage(struct xdp_md *ctx, struct packet *p)
{
    return STAGE_CONTINUE;
}

#endif
