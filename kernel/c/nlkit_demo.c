// SPDX-License-Identifier: GPL-2.0
/*
 * nlkit_demo: the kernel side of the nlkit demo protocol (see
 * examples/src/lib.rs), the classic netlink demo module.
 *
 * On netlink protocol `proto` (default 31) it serves:
 *   ECHO      0x20  the same type, sequence number and payload, back to the
 *                   sender's real port id (NETLINK_CB(skb).portid), never to
 *                   the port id its header claims;
 *   REGISTER  0x21  remembers the sender's port id and sends it NOTIFY
 *                   messages ("notification N") from a timer;
 *   BROADCAST 0x23  appends the payload to a 16 KiB buffer (readable at
 *                   /proc/nlkit_demo_buffer; a full buffer is -ENOSPC) and
 *                   multicasts it to group 1, and to `wide_group` (default
 *                   33, 0 for none) too, and to the generic netlink
 *                   group "events" (below);
 *   DUMP      0x24  with NLM_F_DUMP: every stored BROADCAST payload, one
 *                   NLM_F_MULTI message each, over as many datagrams as it
 *                   takes (netlink_dump_start), then NLMSG_DONE;
 *   BIG       0x25  one reply of 10000 bytes ('a' + i % 26): above a page;
 *   any other type  is refused with -EOPNOTSUPP.
 * And a generic netlink family "nlkit_demo" (version 1): command ECHO (1)
 * answers its MSG attribute (1, NUL-terminated string, at most 256 bytes;
 * the policy refuses anything else with an extended-ack message), and the
 * multicast group "events" gets every BROADCAST as command EVENT (2) + MSG.
 * The registered port also gets a NOTIFY whenever text is written to
 * /proc/nlkit_demo_trigger (mode 0200), on demand, as a driver would
 * report an interrupt: the text (one trailing newline stripped) as payload,
 * sequence number = how many triggered notifications were delivered so far
 * (1, 2, ...); -ENOTCONN while no port has registered, the unicast's error
 * (-ECONNREFUSED once that socket is closed) if it cannot be delivered.
 * Besides: sysctls /proc/sys/nlkit_demo/{level,name}, and a misc device
 * /dev/nlkit_demo, a file view of the broadcast buffer (ABI in
 * nlkit_demo.h): read and llseek over the stored bytes, write appends one
 * entry (-ENOSPC when it does not fit or the entry table is full; a write
 * of 0 bytes stores nothing), mmap maps the buffer (offset 0, at most
 * NLKIT_DEMO_BUFSIZE bytes; bytes past the data are zero), ioctl INFO (the
 * owner is the last process to open the device) and TRUNCATE (the bytes
 * dropped are zeroed); any other ioctl is -ENOTTY.
 * Errors (and ACKs when NLM_F_ACK is set) come from netlink_rcv_skb.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/version.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/netlink.h>
#include <linux/skbuff.h>
#include <linux/timer.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/netlink.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <linux/sysctl.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/uaccess.h>
#include <linux/ioctl.h>
#include <linux/io.h>
#include <net/genetlink.h>

#include "nlkit_demo.h"

#define NLKIT_DEMO_ECHO		0x20
#define NLKIT_DEMO_REGISTER	0x21
#define NLKIT_DEMO_NOTIFY	0x22
#define NLKIT_DEMO_BROADCAST	0x23
#define NLKIT_DEMO_DUMP		0x24
#define NLKIT_DEMO_BIG		0x25
#define NLKIT_DEMO_BIG_LEN	10000
#define NLKIT_DEMO_ENTRIES	512
#define NLKIT_DEMO_GROUP	1
#define NLKIT_DEMO_GROUPS	64
#define NLKIT_DEMO_PROC		"nlkit_demo_buffer"
#define NLKIT_DEMO_TRIGGER	"nlkit_demo_trigger"
#define NLKIT_DEMO_TRIGGER_MAX	PAGE_SIZE	/* longest trigger text */
#define NLKIT_DEMO_LEVEL_MAX	10		/* sysctl level: 0..10 */

static int proto = 31;
module_param(proto, int, 0444);
MODULE_PARM_DESC(proto, "netlink protocol number to serve (default 31)");

static int wide_group = 33;
module_param(wide_group, int, 0444);
MODULE_PARM_DESC(wide_group, "second group BROADCAST goes to, 2..64 (default 33; 0: none)");

static unsigned int notify_count = 3;
module_param(notify_count, uint, 0644);
MODULE_PARM_DESC(notify_count, "notifications sent to a port that registers (default 3)");

static unsigned int notify_interval_ms = 100;
module_param(notify_interval_ms, uint, 0644);
MODULE_PARM_DESC(notify_interval_ms, "milliseconds between two notifications (default 100)");

static char *greeting = "hello from nlkit_demo";
module_param(greeting, charp, 0644);
MODULE_PARM_DESC(greeting, "a string, writable at run time in sysfs");

/* Not in sysfs at all (perm 0): settable only at insmod time. */
static int secret = 42;
module_param(secret, int, 0);
MODULE_PARM_DESC(secret, "an invisible parameter (perm 0)");

static struct sock *nlsk;

/* Notifications: one registered port at a time, driven by a timer. */
static DEFINE_SPINLOCK(notify_lock);
static struct timer_list notify_timer;
static u32 notify_portid;
static unsigned int notify_sent;
static unsigned int notify_total;
static bool notify_registered;	/* a port has registered since insmod */
static bool stopping;		/* set at rmmod: the timer is not re-armed */

/* Triggered notifications: one at a time, numbered by deliveries. */
static DEFINE_MUTEX(trigger_lock);
static unsigned int trigger_sent;

/*
 * BROADCAST payloads and device writes, appended; the input callback runs in
 * process context. Pages of their own (page-aligned, physically contiguous)
 * so that /dev/nlkit_demo can map them. buffer_lock guards everything below,
 * the device's owner too.
 */
static DEFINE_MUTEX(buffer_lock);
static char *buffer;
static size_t buffer_len;
/* Where each stored payload starts and ends in the buffer: DUMP entries. */
static struct { u32 off, len; } entries[NLKIT_DEMO_ENTRIES];
static unsigned int n_entries;
/* The last process to open /dev/nlkit_demo. */
static pid_t owner_pid;
static char owner_comm[TASK_COMM_LEN];

static struct sk_buff *demo_msg(u32 portid, u16 type, u32 seq,
				const void *data, int len, gfp_t gfp)
{
	struct sk_buff *skb;
	struct nlmsghdr *nlh;

	skb = nlmsg_new(len, gfp);
	if (!skb)
		return NULL;
	nlh = nlmsg_put(skb, portid, seq, type, len, 0);
	if (!nlh) {
		kfree_skb(skb);
		return NULL;
	}
	if (len)
		memcpy(nlmsg_data(nlh), data, len);
	/*
	 * No nlmsg_end(): it would count the alignment padding into
	 * nlmsg_len; nlmsg_put() set the exact length, so an echo is the
	 * payload it was sent, byte for byte.
	 */
	return skb;
}

static void notify_fire(struct timer_list *t)
{
	char text[32];
	struct sk_buff *skb;
	unsigned long flags;
	unsigned int n;
	u32 portid;
	int len, err;

	spin_lock_irqsave(&notify_lock, flags);
	if (stopping || notify_sent >= notify_total) {
		spin_unlock_irqrestore(&notify_lock, flags);
		return;
	}
	n = ++notify_sent;
	portid = notify_portid;
	if (n < notify_total)
		mod_timer(&notify_timer,
			  jiffies + msecs_to_jiffies(notify_interval_ms));
	spin_unlock_irqrestore(&notify_lock, flags);

	len = scnprintf(text, sizeof(text), "notification %u", n);
	skb = demo_msg(portid, NLKIT_DEMO_NOTIFY, n, text, len, GFP_ATOMIC);
	if (!skb)
		return;
	/* Softirq context: never block (MSG_DONTWAIT). */
	err = netlink_unicast(nlsk, skb, portid, MSG_DONTWAIT);
	if (err < 0)
		pr_info("notification %u to port %u: error %d\n", n, portid, err);
}

static int demo_echo(struct sk_buff *skb, struct nlmsghdr *nlh)
{
	u32 portid = NETLINK_CB(skb).portid;	/* the real sender */
	struct sk_buff *out;
	int err;

	out = demo_msg(portid, nlh->nlmsg_type, nlh->nlmsg_seq, nlmsg_data(nlh),
		       nlmsg_len(nlh), GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	if (nlh->nlmsg_pid != portid)
		pr_debug("echo: header claims port %u, answering port %u\n",
			 nlh->nlmsg_pid, portid);
	err = netlink_unicast(nlsk, out, portid, MSG_DONTWAIT);
	return err < 0 ? err : 0;
}

static int demo_register(struct sk_buff *skb)
{
	unsigned long flags;

	spin_lock_irqsave(&notify_lock, flags);
	notify_portid = NETLINK_CB(skb).portid;
	notify_registered = true;
	notify_sent = 0;
	notify_total = notify_count;
	if (!stopping)
		mod_timer(&notify_timer,
			  jiffies + msecs_to_jiffies(notify_interval_ms));
	spin_unlock_irqrestore(&notify_lock, flags);
	pr_debug("port %u registered\n", NETLINK_CB(skb).portid);
	return 0;
}

static void demo_multicast(u32 group, u16 type, u32 seq, const void *data,
			   int len)
{
	struct sk_buff *skb = demo_msg(0, type, seq, data, len, GFP_KERNEL);

	if (!skb)
		return;
	/*
	 * nlmsg_multicast sets NETLINK_CB(skb).dst_group, which listeners see
	 * as nl_groups and in NETLINK_PKTINFO, then netlink_broadcast()s;
	 * no listener (-ESRCH) is not an error for the sender.
	 */
	nlmsg_multicast(nlsk, skb, 0, group, GFP_KERNEL);
}

/* --- generic netlink family "nlkit_demo" ------------------------------------ */

enum {
	NLKIT_DEMO_A_UNSPEC,
	NLKIT_DEMO_A_MSG,	/* NLA_NUL_STRING, at most 256 bytes */
	__NLKIT_DEMO_A_MAX,
};
#define NLKIT_DEMO_A_MAX	(__NLKIT_DEMO_A_MAX - 1)

enum {
	NLKIT_DEMO_C_UNSPEC,
	NLKIT_DEMO_C_ECHO,	/* answered with MSG, the same string */
	NLKIT_DEMO_C_EVENT,	/* to group "events": a BROADCAST's payload */
};

static const struct nla_policy demo_genl_policy[NLKIT_DEMO_A_MAX + 1] = {
	[NLKIT_DEMO_A_MSG] = { .type = NLA_NUL_STRING, .len = 256 },
};

static struct genl_family demo_genl_family;

static int demo_genl_echo(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *out;
	void *hdr;

	if (GENL_REQ_ATTR_CHECK(info, NLKIT_DEMO_A_MSG))
		return -EINVAL;
	out = genlmsg_new(nla_total_size(nla_len(info->attrs[NLKIT_DEMO_A_MSG])),
			  GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	hdr = genlmsg_put_reply(out, info, &demo_genl_family, 0,
				NLKIT_DEMO_C_ECHO);
	if (!hdr || nla_put_string(out, NLKIT_DEMO_A_MSG,
				   nla_data(info->attrs[NLKIT_DEMO_A_MSG]))) {
		nlmsg_free(out);
		return -EMSGSIZE;
	}
	genlmsg_end(out, hdr);
	return genlmsg_reply(out, info);
}

static const struct genl_small_ops demo_genl_ops[] = {
	{
		.cmd		= NLKIT_DEMO_C_ECHO,
		.doit		= demo_genl_echo,
	},
};

static const struct genl_multicast_group demo_genl_mcgrps[] = {
	{ .name = "events" },
};

static struct genl_family demo_genl_family __ro_after_init = {
	.name		= "nlkit_demo",
	.version	= 1,
	.maxattr	= NLKIT_DEMO_A_MAX,
	.policy		= demo_genl_policy,
	.module		= THIS_MODULE,
	.small_ops	= demo_genl_ops,
	.n_small_ops	= ARRAY_SIZE(demo_genl_ops),
	.mcgrps		= demo_genl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(demo_genl_mcgrps),
};

/* A BROADCAST payload, as a NUL-terminated MSG, to the "events" group. */
static void demo_genl_event(const void *data, int len)
{
	struct sk_buff *skb;
	struct nlattr *a;
	void *hdr;

	skb = genlmsg_new(nla_total_size(len + 1), GFP_KERNEL);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &demo_genl_family, 0, NLKIT_DEMO_C_EVENT);
	if (!hdr)
		goto drop;
	a = nla_reserve(skb, NLKIT_DEMO_A_MSG, len + 1);
	if (!a)
		goto drop;
	memcpy(nla_data(a), data, len);
	((char *)nla_data(a))[len] = '\0';
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&demo_genl_family, skb, 0, 0, GFP_KERNEL);
	return;
drop:
	nlmsg_free(skb);
}

/* Whether an entry of len bytes still fits; under buffer_lock. */
static bool buffer_fits(size_t len)
{
	lockdep_assert_held(&buffer_lock);
	return len <= NLKIT_DEMO_BUFSIZE - buffer_len &&
	       n_entries < NLKIT_DEMO_ENTRIES;
}

/* Records the len bytes just stored at the end as one entry; under buffer_lock. */
static void buffer_commit(size_t len)
{
	lockdep_assert_held(&buffer_lock);
	entries[n_entries].off = buffer_len;
	entries[n_entries].len = len;
	n_entries++;
	buffer_len += len;
}

static int demo_broadcast(struct nlmsghdr *nlh, struct netlink_ext_ack *extack)
{
	int len = nlmsg_len(nlh);

	mutex_lock(&buffer_lock);
	if (!buffer_fits(len)) {
		mutex_unlock(&buffer_lock);
		NL_SET_ERR_MSG(extack, "broadcast buffer is full");
		return -ENOSPC;
	}
	memcpy(buffer + buffer_len, nlmsg_data(nlh), len);
	buffer_commit(len);
	mutex_unlock(&buffer_lock);

	demo_multicast(NLKIT_DEMO_GROUP, nlh->nlmsg_type, nlh->nlmsg_seq,
		       nlmsg_data(nlh), len);
	if (wide_group > NLKIT_DEMO_GROUP && wide_group <= NLKIT_DEMO_GROUPS)
		demo_multicast(wide_group, nlh->nlmsg_type, nlh->nlmsg_seq,
			       nlmsg_data(nlh), len);
	demo_genl_event(nlmsg_data(nlh), len);
	return 0;
}

/*
 * DUMP: one NLM_F_MULTI message per stored BROADCAST payload, as many as fit
 * in each datagram; cb->args[0] is the next entry. netlink_dump() adds the
 * NLMSG_DONE once a round adds nothing.
 */
static int demo_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	unsigned int i = cb->args[0];
	struct nlmsghdr *nlh;
	int err = 0;

	mutex_lock(&buffer_lock);
	for (; i < n_entries; i++) {
		nlh = nlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				cb->nlh->nlmsg_seq, NLKIT_DEMO_DUMP,
				entries[i].len, NLM_F_MULTI);
		if (!nlh) {
			if (i == cb->args[0])
				err = -EMSGSIZE;	/* one entry too big */
			break;
		}
		/* The exact length, as demo_msg(): no nlmsg_end(). */
		memcpy(nlmsg_data(nlh), buffer + entries[i].off, entries[i].len);
	}
	mutex_unlock(&buffer_lock);
	cb->args[0] = i;
	return err ? err : skb->len;
}

static int demo_dump_start(struct sk_buff *skb, struct nlmsghdr *nlh,
			   struct netlink_ext_ack *extack)
{
	struct netlink_dump_control c = { .dump = demo_dump };
	u32 max_len = 0;
	unsigned int i;

	if (!(nlh->nlmsg_flags & NLM_F_DUMP)) {
		NL_SET_ERR_MSG(extack, "DUMP needs NLM_F_DUMP");
		return -EINVAL;
	}
	/*
	 * A dump datagram starts at about a page (NLMSG_GOODSIZE); an entry
	 * can be up to 16 KiB: make every datagram big enough for the largest.
	 */
	mutex_lock(&buffer_lock);
	for (i = 0; i < n_entries; i++)
		max_len = max(max_len, entries[i].len);
	mutex_unlock(&buffer_lock);
	c.min_dump_alloc = nlmsg_total_size(max_len);
	return netlink_dump_start(nlsk, skb, nlh, &c);
}

/* BIG: one reply of NLKIT_DEMO_BIG_LEN bytes, byte i being 'a' + i % 26. */
static int demo_big(struct sk_buff *skb, struct nlmsghdr *nlh)
{
	u32 portid = NETLINK_CB(skb).portid;
	struct sk_buff *out;
	struct nlmsghdr *o;
	char *p;
	int i, err;

	out = nlmsg_new(NLKIT_DEMO_BIG_LEN, GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	o = nlmsg_put(out, portid, nlh->nlmsg_seq, NLKIT_DEMO_BIG,
		      NLKIT_DEMO_BIG_LEN, 0);
	if (!o) {
		kfree_skb(out);
		return -EMSGSIZE;
	}
	p = nlmsg_data(o);
	for (i = 0; i < NLKIT_DEMO_BIG_LEN; i++)
		p[i] = 'a' + i % 26;
	nlmsg_end(out, o);
	err = netlink_unicast(nlsk, out, portid, MSG_DONTWAIT);
	return err < 0 ? err : 0;
}

static int demo_rcv_msg(struct sk_buff *skb, struct nlmsghdr *nlh,
			struct netlink_ext_ack *extack)
{
	switch (nlh->nlmsg_type) {
	case NLKIT_DEMO_ECHO:
		return demo_echo(skb, nlh);
	case NLKIT_DEMO_REGISTER:
		return demo_register(skb);
	case NLKIT_DEMO_BROADCAST:
		return demo_broadcast(nlh, extack);
	case NLKIT_DEMO_DUMP:
		return demo_dump_start(skb, nlh, extack);
	case NLKIT_DEMO_BIG:
		return demo_big(skb, nlh);
	default:
		NL_SET_ERR_MSG(extack, "unknown message type");
		return -EOPNOTSUPP;
	}
}

static void demo_input(struct sk_buff *skb)
{
	netlink_rcv_skb(skb, demo_rcv_msg);
}

/* --- /proc/nlkit_demo_trigger: a notification on demand --------------------- */

/*
 * One NOTIFY carrying the text written (without one trailing newline) to the
 * registered port, numbered by the triggered notifications delivered so far.
 * trigger_lock keeps the numbers in order; the port is read under notify_lock.
 */
static ssize_t demo_trigger_write(struct file *f, const char __user *buf,
				  size_t len, loff_t *pos)
{
	struct sk_buff *skb;
	unsigned long flags;
	bool registered;
	size_t text_len;
	u32 portid;
	char *text;
	int err;

	if (len > NLKIT_DEMO_TRIGGER_MAX)
		return -EMSGSIZE;
	text = memdup_user(buf, len);
	if (IS_ERR(text))
		return PTR_ERR(text);
	text_len = len;
	if (text_len && text[text_len - 1] == '\n')
		text_len--;

	mutex_lock(&trigger_lock);
	spin_lock_irqsave(&notify_lock, flags);
	registered = notify_registered;
	portid = notify_portid;
	spin_unlock_irqrestore(&notify_lock, flags);
	err = -ENOTCONN;
	if (!registered)
		goto out;
	err = -ENOMEM;
	skb = demo_msg(portid, NLKIT_DEMO_NOTIFY, trigger_sent + 1, text,
		       text_len, GFP_KERNEL);
	if (!skb)
		goto out;
	err = netlink_unicast(nlsk, skb, portid, MSG_DONTWAIT);
	if (err >= 0) {
		trigger_sent++;
		err = 0;
	}
out:
	mutex_unlock(&trigger_lock);
	kfree(text);
	return err ? err : len;
}

static const struct proc_ops demo_trigger_ops = {
	.proc_write	= demo_trigger_write,
	.proc_lseek	= noop_llseek,
};

/* --- sysctl: /proc/sys/nlkit_demo/{level,name} ---------------------------- */

static int level = 1;
static int level_max = NLKIT_DEMO_LEVEL_MAX;
static char name[32] = "nlkit";
static struct ctl_table_header *sysctl_header;

static struct ctl_table demo_sysctls[] = {
	{
		.procname	= "level",
		.data		= &level,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= &level_max,
	},
	{
		.procname	= "name",
		.data		= name,
		.maxlen		= sizeof(name),
		.mode		= 0644,
		.proc_handler	= proc_dostring,
	},
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 11, 0)
	{ }	/* before 6.11 the table ends at an empty entry; 6.11+ refuses one */
#endif
};

/* --- /dev/nlkit_demo: a file view of the broadcast buffer -------------------- */

static int demo_dev_open(struct inode *inode, struct file *f)
{
	mutex_lock(&buffer_lock);
	owner_pid = current->tgid;
	get_task_comm(owner_comm, current);
	mutex_unlock(&buffer_lock);
	return 0;
}

static ssize_t demo_dev_read(struct file *f, char __user *buf, size_t len,
			     loff_t *pos)
{
	ssize_t n;

	mutex_lock(&buffer_lock);
	n = simple_read_from_buffer(buf, len, pos, buffer, buffer_len);
	mutex_unlock(&buffer_lock);
	return n;
}

/* One write, one entry, appended wherever the file position is. */
static ssize_t demo_dev_write(struct file *f, const char __user *buf,
			      size_t len, loff_t *pos)
{
	if (!len)
		return 0;
	mutex_lock(&buffer_lock);
	if (!buffer_fits(len)) {
		mutex_unlock(&buffer_lock);
		return -ENOSPC;
	}
	/* Nothing is committed unless every byte arrived. */
	if (copy_from_user(buffer + buffer_len, buf, len)) {
		memset(buffer + buffer_len, 0, len);
		mutex_unlock(&buffer_lock);
		return -EFAULT;
	}
	buffer_commit(len);
	*pos = buffer_len;
	mutex_unlock(&buffer_lock);
	return len;
}

/* SEEK_END is relative to the stored bytes; no position past the buffer. */
static loff_t demo_dev_llseek(struct file *f, loff_t off, int whence)
{
	loff_t ret;

	mutex_lock(&buffer_lock);
	ret = generic_file_llseek_size(f, off, whence, NLKIT_DEMO_BUFSIZE,
				       buffer_len);
	mutex_unlock(&buffer_lock);
	return ret;
}

static long demo_dev_info(struct nlkit_demo_info __user *p)
{
	struct nlkit_demo_info info;

	memset(&info, 0, sizeof(info));
	mutex_lock(&buffer_lock);
	info.owner_pid = owner_pid;
	info.data_len = buffer_len;
	info.free_space = NLKIT_DEMO_BUFSIZE - buffer_len;
	info.entries = n_entries;
	memcpy(info.owner_comm, owner_comm, sizeof(info.owner_comm));
	mutex_unlock(&buffer_lock);
	return copy_to_user(p, &info, sizeof(info)) ? -EFAULT : 0;
}

static long demo_dev_truncate(const struct nlkit_demo_window __user *p)
{
	struct nlkit_demo_window w;
	size_t keep;

	if (copy_from_user(&w, p, sizeof(w)))
		return -EFAULT;
	mutex_lock(&buffer_lock);
	if (w.offset > buffer_len) {
		mutex_unlock(&buffer_lock);
		return -EINVAL;
	}
	keep = min_t(size_t, w.length, buffer_len - w.offset);
	memmove(buffer, buffer + w.offset, keep);
	memset(buffer + keep, 0, buffer_len - keep);
	buffer_len = 0;
	n_entries = 0;
	if (keep)
		buffer_commit(keep);
	mutex_unlock(&buffer_lock);
	return 0;
}

static long demo_dev_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case NLKIT_DEMO_IOC_INFO:
		return demo_dev_info((struct nlkit_demo_info __user *)arg);
	case NLKIT_DEMO_IOC_TRUNCATE:
		return demo_dev_truncate((const struct nlkit_demo_window __user *)arg);
	default:
		return -ENOTTY;
	}
}

/*
 * The buffer's pages, mapped as they are: the mapping sees every later
 * change. It pins the file, so the module, until it is unmapped.
 */
static int demo_dev_mmap(struct file *f, struct vm_area_struct *vma)
{
	unsigned long size = vma->vm_end - vma->vm_start;

	if (vma->vm_pgoff != 0 || size > NLKIT_DEMO_BUFSIZE)
		return -EINVAL;
	return remap_pfn_range(vma, vma->vm_start,
			       virt_to_phys(buffer) >> PAGE_SHIFT, size,
			       vma->vm_page_prot);
}

static const struct file_operations demo_dev_fops = {
	.owner		= THIS_MODULE,
	.open		= demo_dev_open,
	.read		= demo_dev_read,
	.write		= demo_dev_write,
	.llseek		= demo_dev_llseek,
	.unlocked_ioctl	= demo_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= demo_dev_mmap,
};

static struct miscdevice demo_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "nlkit_demo",
	.fops	= &demo_dev_fops,
	.mode	= 0600,
};

/* --- netlink ------------------------------------------------------------- */

static int demo_buffer_show(struct seq_file *m, void *v)
{
	mutex_lock(&buffer_lock);
	seq_write(m, buffer, buffer_len);
	mutex_unlock(&buffer_lock);
	return 0;
}

static void free_buffer(void)
{
	free_pages((unsigned long)buffer, get_order(NLKIT_DEMO_BUFSIZE));
}

static int __init nlkit_demo_init(void)
{
	struct netlink_kernel_cfg cfg = {
		.groups = NLKIT_DEMO_GROUPS,
		.input = demo_input,
	};
	int err;

	if (proto < 0 || proto >= MAX_LINKS) {
		pr_err("proto %d out of range 0..%d\n", proto, MAX_LINKS - 1);
		return -EINVAL;
	}
	buffer = (char *)__get_free_pages(GFP_KERNEL | __GFP_ZERO,
					  get_order(NLKIT_DEMO_BUFSIZE));
	if (!buffer)
		return -ENOMEM;
	timer_setup(&notify_timer, notify_fire, 0);

	/* Before the protocol exists: a BROADCAST also goes to its group. */
	err = genl_register_family(&demo_genl_family);
	if (err) {
		free_buffer();
		return err;
	}
	nlsk = netlink_kernel_create(&init_net, proto, &cfg);
	if (!nlsk) {
		pr_err("cannot create netlink protocol %d (in use?)\n", proto);
		genl_unregister_family(&demo_genl_family);
		free_buffer();
		return -EBUSY;
	}
	err = -ENOMEM;
	if (!proc_create_single(NLKIT_DEMO_PROC, 0444, NULL, demo_buffer_show))
		goto out_release;
	if (!proc_create(NLKIT_DEMO_TRIGGER, 0200, NULL, &demo_trigger_ops))
		goto out_proc;
	sysctl_header = register_sysctl("nlkit_demo", demo_sysctls);
	if (!sysctl_header)
		goto out_trigger;
	err = misc_register(&demo_miscdev);
	if (err)
		goto out_sysctl;
	pr_info("serving netlink protocol %d, broadcasts to group 1 (wide_group %d); greeting \"%s\" (secret %d)\n",
		proto, wide_group, greeting, secret);
	return 0;

out_sysctl:
	unregister_sysctl_table(sysctl_header);
out_trigger:
	remove_proc_entry(NLKIT_DEMO_TRIGGER, NULL);
out_proc:
	remove_proc_entry(NLKIT_DEMO_PROC, NULL);
out_release:
	netlink_kernel_release(nlsk);
	genl_unregister_family(&demo_genl_family);
	free_buffer();
	return err;
}

static void __exit nlkit_demo_exit(void)
{
	unsigned long flags;

	/*
	 * Every user socket of the protocol holds a reference on this module
	 * (netlink_create), so no input runs now; stop the timer before the
	 * socket it sends on goes away.
	 */
	spin_lock_irqsave(&notify_lock, flags);
	stopping = true;
	spin_unlock_irqrestore(&notify_lock, flags);
	del_timer_sync(&notify_timer);
	/* Mappings of the buffer hold the file, so the module, until unmapped. */
	misc_deregister(&demo_miscdev);
	unregister_sysctl_table(sysctl_header);
	/* Waits for trigger writes under way: they send on nlsk. */
	remove_proc_entry(NLKIT_DEMO_TRIGGER, NULL);
	remove_proc_entry(NLKIT_DEMO_PROC, NULL);
	netlink_kernel_release(nlsk);
	genl_unregister_family(&demo_genl_family);
	free_buffer();
	pr_info("protocol %d released\n", proto);
}

module_init(nlkit_demo_init);
module_exit(nlkit_demo_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("nlkit");
MODULE_DESCRIPTION("nlkit demo netlink protocol: echo, notify, broadcast");
