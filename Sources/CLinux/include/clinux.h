// Linux calls that Glibc's Swift overlay does not expose (they need _GNU_SOURCE).
#ifndef XDPHA_CLINUX_H
#define XDPHA_CLINUX_H

// epoll: left out of Glibc's overlay too (HealthCheck's ConnectScheduler).
#include <sys/epoll.h>

#include <pthread.h>

/// Initialises `condition` to time its waits on CLOCK_MONOTONIC (a wall-clock step must not move
/// a timer thread's deadlines); 0 or an error number. The daemon's timer thread and the connect
/// scheduler both wait this way.
int xdpha_monotonic_cond_init(pthread_cond_t *condition);

/// Moves the calling thread into the network namespace open at `fd`; 0 or -1 with errno.
int xdpha_enter_netns(int fd);

#endif
