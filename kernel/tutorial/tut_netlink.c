// SPDX-License-Identifier: GPL-2.0
/*
 * tut_netlink: a custom netlink protocol written the way the classic
 * tutorials write one, sloppy on purpose, so that nlkit is tested against
 * modules its authors would not write. It is not the demo module: the VM
 * test (vmtest/guest-tutorial.sh) drives it through the nlkit CLI only.
 *
 * Protocol `proto` (default 30). Each request is answered as the writable
 * parameter `mode` says (nlkit modparam tut_netlink mode=N):
 *   0  the classic tutorial: one NLMSG_DONE carrying text (no NUL),
 *      sequence 0, port id 0 in the header;
 *   1  type 0 and sequence 0;
 *   2  the type set to the request header's nlmsg_pid (a known slip);
 *   3  a 5-byte payload: nlmsg_len 21, not a multiple of 4;
 *   4  sent to the port id written in the request header, not to the
 *      sender (NETLINK_CB(skb).portid);
 *   5  three replies without NLM_F_MULTI, sequence 0, 200 ms apart: the
 *      input callback sleeps, so the sender's sendmsg() blocks meanwhile;
 *   6  a C string followed by stale bytes (0xa5, standing in for the
 *      uninitialised rest of the buffer).
 * `last_len` (read-only) is the payload length of the last request.
 *
 * Parameters of every type module_param offers, for nlkit modparam to
 * write and read back exactly: level (int), limit (uint), verbose (bool),
 * quiet (invbool), greeting (charp), words (array of charp), ident (string
 * of at most 15 bytes).
 */
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <net/netlink.h>
#include <net/sock.h>

static int proto = 30;
module_param(proto, int, 0444);
MODULE_PARM_DESC(proto, "netlink protocol number");
static int mode;
module_param(mode, int, 0644);
MODULE_PARM_DESC(mode, "how requests are answered (0..6, see the source)");
static int last_len;
module_param(last_len, int, 0444);
MODULE_PARM_DESC(last_len, "payload length of the last request");

static int level = 1;
module_param(level, int, 0644);
static unsigned int limit = 10;
module_param(limit, uint, 0644);
static bool verbose;
module_param(verbose, bool, 0644);
static bool quiet;
module_param(quiet, invbool, 0644);
static char *greeting = "hello";
module_param(greeting, charp, 0644);
static char *words[4];
static int nwords;
module_param_array(words, charp, &nwords, 0644);
static char ident[16] = "tut";
module_param_string(ident, ident, sizeof(ident), 0644);

static struct sock *nl_sk;

static void reply(u32 portid, int type, u32 seq, const void *data, int len)
{
	struct sk_buff *skb_out = nlmsg_new(len, GFP_KERNEL);
	struct nlmsghdr *nlh;

	if (!skb_out)
		return;
	nlh = nlmsg_put(skb_out, 0, seq, type, len, 0);
	if (!nlh) {
		kfree_skb(skb_out);
		return;
	}
	memcpy(nlmsg_data(nlh), data, len);
	/* As the tutorials do: the result is not checked. */
	nlmsg_unicast(nl_sk, skb_out, portid);
}

static void tut_recv_msg(struct sk_buff *skb)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)skb->data;
	u32 sender = NETLINK_CB(skb).portid;
	const char *msg = "Hello from kernel";
	char buf[32];
	int i;

	if (skb->len < NLMSG_HDRLEN)
		return;
	last_len = nlh->nlmsg_len - NLMSG_HDRLEN;
	switch (mode) {
	case 0:
		reply(sender, NLMSG_DONE, 0, msg, strlen(msg));
		break;
	case 1:
		reply(sender, 0, 0, msg, strlen(msg) + 1);
		break;
	case 2:
		reply(sender, nlh->nlmsg_pid, nlh->nlmsg_seq, msg, strlen(msg) + 1);
		break;
	case 3:
		reply(sender, NLMSG_MIN_TYPE, nlh->nlmsg_seq, "odd!", 5);
		break;
	case 4:
		reply(nlh->nlmsg_pid, NLMSG_MIN_TYPE, nlh->nlmsg_seq, msg, strlen(msg) + 1);
		break;
	case 5:
		for (i = 1; i <= 3; i++) {
			snprintf(buf, sizeof(buf), "reply %d", i);
			reply(sender, NLMSG_MIN_TYPE, 0, buf, strlen(buf) + 1);
			if (i < 3)
				msleep(200);
		}
		break;
	case 6:
		memset(buf, 0xa5, sizeof(buf));
		strcpy(buf, "hello");
		reply(sender, NLMSG_MIN_TYPE, nlh->nlmsg_seq, buf, sizeof(buf));
		break;
	}
}

static int __init tut_init(void)
{
	struct netlink_kernel_cfg cfg = { .input = tut_recv_msg };

	nl_sk = netlink_kernel_create(&init_net, proto, &cfg);
	if (!nl_sk)
		return -ENOMEM;
	pr_info("tut_netlink: protocol %d\n", proto);
	return 0;
}

static void __exit tut_exit(void)
{
	netlink_kernel_release(nl_sk);
}

module_init(tut_init);
module_exit(tut_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A tutorial-style netlink module, sloppy on purpose, for nlkit's tests");
