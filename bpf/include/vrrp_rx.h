/*
 * vrrp_rx.h: the VRRP advert reception stage of the entry program (issue: VRRP on the wire).
 * Not written yet: every frame continues to the next stage.
 */
#ifndef XDPHA_VRRP_RX_H
#define XDPHA_VRRP_RX_H

static __always_inline int vrrp_stage(struct xdp_md *ctx, struct packet *p)
{
    return STAGE_CONTINUE;
}

#endif
