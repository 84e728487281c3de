/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The user-space ABI of /dev/nlkit_demo, shared by the C module
 * (kernel/c), the Rust module (kernel/rust) and nlkit (nlkit::demo::dev).
 *
 * The device is a file view of the module's 16 KiB broadcast buffer, the
 * one /proc/nlkit_demo_buffer shows: read and llseek over the stored bytes,
 * write appends (one DUMP entry per write; -ENOSPC when it does not fit),
 * mmap maps the whole buffer (NLKIT_DEMO_BUFSIZE bytes, offset 0).
 */
#ifndef NLKIT_DEMO_H
#define NLKIT_DEMO_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define NLKIT_DEMO_BUFSIZE		(16 * 1024)

/* NLKIT_DEMO_IOC_INFO: 32 bytes, no padding. */
struct nlkit_demo_info {
	__u32 owner_pid;	/* tgid of the last process to open the device */
	__u32 data_len;		/* bytes stored in the buffer */
	__u32 free_space;	/* NLKIT_DEMO_BUFSIZE - data_len */
	__u32 entries;		/* stored entries (what DUMP returns) */
	char owner_comm[16];	/* its command (task comm), NUL-terminated */
};

/*
 * NLKIT_DEMO_IOC_TRUNCATE: keep only bytes [offset, offset + length) of the
 * data (clipped at its end), moved to the start of the buffer; the stored
 * entries become one entry holding what is kept (none if nothing is).
 * -EINVAL if offset > data_len.
 */
struct nlkit_demo_window {
	__u32 offset;
	__u32 length;
};

#define NLKIT_DEMO_IOC_INFO	_IOR('N', 1, struct nlkit_demo_info)
#define NLKIT_DEMO_IOC_TRUNCATE	_IOW('N', 2, struct nlkit_demo_window)

#endif
