#define _GNU_SOURCE
#include <sched.h>
#include "clinux.h"

int xdpha_enter_netns(int fd)
{
    return setns(fd, CLONE_NEWNET);
}
