// SPDX-License-Identifier: GPL-2.0
/*
 * devtest: exercises /dev/nlkit_demo in the test VM (built statically by
 * vmtest/run.sh): write, read back, mmap (both ways), the ioctls, and an
 * unknown ioctl. Prints PASS:/FAIL: lines; exits 1 if any check failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "nlkit_demo.h"

static int failed;

static void check(int ok, const char *what)
{
	printf("%s: /dev/nlkit_demo: %s\n", ok ? "PASS" : "FAIL", what);
	if (!ok)
		failed = 1;
}

int main(void)
{
	char buf[64] = { 0 };
	int fd, level = -1, v;
	char *map;

	fd = open("/dev/nlkit_demo", O_RDWR);
	if (fd < 0) {
		perror("FAIL: /dev/nlkit_demo: open");
		return 1;
	}
	check(write(fd, "hello device", 12) == 12, "write 12 bytes");
	check(pread(fd, buf, 12, 0) == 12 && !memcmp(buf, "hello device", 12),
	      "read them back");
	check(pread(fd, buf, 16, 4096) == 0, "read at the end of the page: EOF");

	map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(map != MAP_FAILED, "mmap the page");
	if (map != MAP_FAILED) {
		check(!memcmp(map, "hello device", 12), "mmap sees what write wrote");
		memcpy(map + 100, "via mmap", 8);
		check(pread(fd, buf, 8, 100) == 8 && !memcmp(buf, "via mmap", 8),
		      "read sees what was stored through the mapping");
		check(ioctl(fd, NLKIT_DEMO_IOC_CLEAR) == 0 && map[0] == 0 && map[100] == 0,
		      "ioctl CLEAR zeroes the mapped page");
		munmap(map, 4096);
	}
	check(mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EINVAL,
	      "mmap of more than a page: EINVAL");

	v = 7;
	check(ioctl(fd, NLKIT_DEMO_IOC_SET_LEVEL, &v) == 0, "ioctl SET_LEVEL 7");
	check(ioctl(fd, NLKIT_DEMO_IOC_GET_LEVEL, &level) == 0 && level == 7,
	      "ioctl GET_LEVEL reads 7");
	v = NLKIT_DEMO_LEVEL_MAX + 1;
	check(ioctl(fd, NLKIT_DEMO_IOC_SET_LEVEL, &v) == -1 && errno == EINVAL,
	      "ioctl SET_LEVEL 11: EINVAL");
	check(ioctl(fd, _IO('N', 99)) == -1 && errno == ENOTTY, "unknown ioctl: ENOTTY");
	close(fd);
	return failed;
}
