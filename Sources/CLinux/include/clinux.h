// Linux calls that Glibc's Swift overlay does not expose (they need _GNU_SOURCE).
#ifndef XDPHA_CLINUX_H
#define XDPHA_CLINUX_H

// epoll: left out of Glibc's overlay too (HealthCheck's ConnectScheduler).
#include <sys/epoll.h>

/// Moves the calling thread into the network namespace open at `fd`; 0 or -1 with errno.
int xdpha_enter_netns(int fd);

#endif
