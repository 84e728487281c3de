/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/* The ioctls of /dev/nlkit_demo (the nlkit_demo module); user space too. */
#ifndef NLKIT_DEMO_H
#define NLKIT_DEMO_H

#include <linux/ioctl.h>

#define NLKIT_DEMO_LEVEL_MAX		10
/* Read and set the `level` sysctl (0..NLKIT_DEMO_LEVEL_MAX; -EINVAL above). */
#define NLKIT_DEMO_IOC_GET_LEVEL	_IOR('N', 1, int)
#define NLKIT_DEMO_IOC_SET_LEVEL	_IOW('N', 2, int)
/* Zero the device's shared page. */
#define NLKIT_DEMO_IOC_CLEAR		_IO('N', 3)

#endif
