/*
 * The C floor: dump IPv4 routes (or links with --links) with libmnl and
 * count the RTM_NEWROUTE (RTM_NEWLINK) messages, as libmnl's own examples
 * do (mnl_socket_recvfrom into a 32 KiB buffer, mnl_cb_run per datagram,
 * sequence and port checked by libmnl). Prints the count.
 *
 * Usage: mnl_dump [--netns NAME] [--links]
 * Build: cc -O2 -o mnl_dump mnl_dump.c -lmnl
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef MNL_SOCKET_DUMP_SIZE
#define MNL_SOCKET_DUMP_SIZE 32768 /* as newer libmnl defines it */
#endif

static unsigned long count;
static int want;

static int on_msg(const struct nlmsghdr *nlh, void *data)
{
	(void)data;
	if (nlh->nlmsg_type == want)
		count++;
	return MNL_CB_OK;
}

static void enter_netns(const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "/run/netns/%s", name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		perror(path);
		exit(1);
	}
	close(fd);
}

int main(int argc, char **argv)
{
	int links = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--links")) {
			links = 1;
		} else if (!strcmp(argv[i], "--netns") && i + 1 < argc) {
			enter_netns(argv[++i]);
		} else {
			fprintf(stderr, "usage: %s [--netns NAME] [--links]\n", argv[0]);
			return 1;
		}
	}

	static char buf[MNL_SOCKET_DUMP_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	unsigned int seq = time(NULL);
	nlh->nlmsg_type = links ? RTM_GETLINK : RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	if (links) {
		struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
		ifm->ifi_family = AF_UNSPEC;
		want = RTM_NEWLINK;
	} else {
		struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof *rtm);
		rtm->rtm_family = AF_INET;
		want = RTM_NEWROUTE;
	}

	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl) {
		perror("mnl_socket_open");
		return 1;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("mnl_socket_bind");
		return 1;
	}
	unsigned int portid = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		perror("mnl_socket_sendto");
		return 1;
	}

	int ret;
	while ((ret = mnl_socket_recvfrom(nl, buf, sizeof buf)) > 0) {
		ret = mnl_cb_run(buf, ret, seq, portid, on_msg, NULL);
		if (ret <= MNL_CB_STOP)
			break;
	}
	if (ret == -1) {
		perror("dump");
		return 1;
	}
	mnl_socket_close(nl);
	printf("%lu\n", count);
	return 0;
}
