#define _GNU_SOURCE
#include <sched.h>
#include <time.h>
#include "clinux.h"

int xdpha_enter_netns(int fd)
{
    return setns(fd, CLONE_NEWNET);
}

int xdpha_monotonic_cond_init(pthread_cond_t *condition)
{
    pthread_condattr_t attributes;
    int error = pthread_condattr_init(&attributes);
    if (error)
        return error;
    error = pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
    if (!error)
        error = pthread_cond_init(condition, &attributes);
    pthread_condattr_destroy(&attributes);
    return error;
}
