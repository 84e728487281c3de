// SPDX-License-Identifier: GPL-2.0
/*
 * nlkit_hostile: a generic netlink family that answers badly on purpose,
 * for nlkit's hostile-peer test in the VM (vmtest/guest-init.sh runs
 * nl-hostile-genl against it). A broken module is the one peer user space
 * cannot refuse to talk to: its replies come from port 0, as the
 * kernel's do.
 *
 * BREAK with CASE answers with that case's broken reply, written raw to
 * the requester's port (the cases below, in the order of nlkit's
 * user-space hostile peer); the doit returns -EINTR so that the kernel
 * adds no ACK of its own, except for the one reply that is well formed
 * (a 1 MiB message), which gets the kernel's ACK after it. ENDLESS is a
 * dump that never ends. ECHO answers well: the test shows the connection
 * still works after each case.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <net/genetlink.h>

enum {
	HOSTILE_A_UNSPEC,
	HOSTILE_A_CASE,		/* u32: which broken reply */
	HOSTILE_A_MSG,		/* string: ECHO's message */
	__HOSTILE_A_MAX,
};
#define HOSTILE_A_MAX	(__HOSTILE_A_MAX - 1)

enum {
	HOSTILE_C_UNSPEC,
	HOSTILE_C_BREAK,
	HOSTILE_C_ENDLESS,
	HOSTILE_C_ECHO,
};

enum {
	CASE_SHORT_LENGTH,	/* nlmsg_len below the header */
	CASE_LONG_LENGTH,	/* nlmsg_len past the datagram */
	CASE_SHORT_ATTR,	/* an attribute length below 4 */
	CASE_ATTR_PAST_PARENT,	/* a nested attribute longer than its nest */
	CASE_MISALIGNED,	/* a 5-byte attribute, no padding, another after */
	CASE_DEEP,		/* nests 16,000 deep */
	CASE_HUGE,		/* a well-formed 1 MiB reply */
	CASE_WRONG_SEQ,		/* an ACK with another sequence number */
	CASE_WRONG_PORT,	/* an ACK addressed to another port */
	CASE_NEVER_SENT,	/* an ACK for a request never sent */
	CASE_SHORT_DONE,	/* a DONE of 2 payload bytes */
	CASE_SHORT_ERROR,	/* an ERROR of 6 payload bytes */
	CASE_COUNT,
};

static const struct nla_policy hostile_policy[HOSTILE_A_MAX + 1] = {
	[HOSTILE_A_CASE] = { .type = NLA_U32 },
	[HOSTILE_A_MSG] = { .type = NLA_NUL_STRING, .len = 256 },
};

static struct genl_family hostile_family;

/* A reply under construction: bytes written in place, bounded by cap. */
struct out {
	u8 *buf;
	size_t len, cap;
};

static void *put(struct out *o, size_t n)
{
	void *p;

	if (o->len + n > o->cap)
		return NULL;
	p = o->buf + o->len;
	memset(p, 0, n);
	o->len += n;
	return p;
}

static void put_nlh(struct out *o, u32 len, u16 type, u32 seq, u32 port)
{
	struct nlmsghdr *h = put(o, sizeof(*h));

	if (!h)
		return;
	h->nlmsg_len = len;
	h->nlmsg_type = type;
	h->nlmsg_seq = seq;
	h->nlmsg_pid = port;
}

static void put_genl(struct out *o)
{
	struct genlmsghdr *g = put(o, GENL_HDRLEN);

	if (g) {
		g->cmd = HOSTILE_C_BREAK;
		g->version = 1;
	}
}

static void put_attr(struct out *o, u16 len, u16 type)
{
	struct nlattr *a = put(o, sizeof(*a));

	if (a) {
		a->nla_len = len;
		a->nla_type = type;
	}
}

/* An ACK of the request in `info`, with `seq` and `port` of our choosing. */
static void put_ack(struct out *o, struct genl_info *info, u32 seq, u32 port)
{
	struct nlmsgerr *e;

	put_nlh(o, NLMSG_HDRLEN + sizeof(*e), NLMSG_ERROR, seq, port);
	e = put(o, sizeof(*e));
	if (e)
		e->msg = *info->nlhdr;
}

/* Writes case `c` into `o`; 0, or -EINVAL for a case that is not one. */
static int build(struct out *o, u32 c, struct genl_info *info)
{
	u32 seq = info->snd_seq, port = info->snd_portid;
	u16 family = hostile_family.id;
	size_t i, n;

	switch (c) {
	case CASE_SHORT_LENGTH:
		put_nlh(o, 8, family, seq, port);
		put_genl(o);
		break;
	case CASE_LONG_LENGTH:
		put_nlh(o, 4000, family, seq, port);
		put_genl(o);
		put_attr(o, 4, 1);
		break;
	case CASE_SHORT_ATTR:
		put_nlh(o, NLMSG_HDRLEN + GENL_HDRLEN + 8, family, seq, port);
		put_genl(o);
		put_attr(o, 2, 1);
		put_attr(o, 4, 2);
		break;
	case CASE_ATTR_PAST_PARENT:
		put_nlh(o, NLMSG_HDRLEN + GENL_HDRLEN + 12, family, seq, port);
		put_genl(o);
		put_attr(o, 12, NLA_F_NESTED | 1);
		put_attr(o, 44, 1);
		put(o, 4);
		break;
	case CASE_MISALIGNED:
		put_nlh(o, NLMSG_HDRLEN + GENL_HDRLEN + 13, family, seq, port);
		put_genl(o);
		put_attr(o, 5, 1);
		put(o, 1);
		/* The next attribute starts at an offset of 5: no padding. */
		put_attr(o, 256, 2);
		break;
	case CASE_DEEP:
		/* 16,000 nests, each the next one's parent: 64,000 bytes. */
		n = 16000;
		put_nlh(o, NLMSG_HDRLEN + GENL_HDRLEN + 4 * n, family, seq, port);
		put_genl(o);
		for (i = 0; i < n; i++)
			put_attr(o, 4 * (n - i), NLA_F_NESTED | 1);
		break;
	case CASE_HUGE:
		/* 1 MiB in empty attributes. */
		n = ((1 << 20) - NLMSG_HDRLEN - GENL_HDRLEN) / 4;
		put_nlh(o, NLMSG_HDRLEN + GENL_HDRLEN + 4 * n, family, seq, port);
		put_genl(o);
		for (i = 0; i < n; i++)
			put_attr(o, 4, 1);
		break;
	case CASE_WRONG_SEQ:
		put_ack(o, info, seq + 1, port);
		break;
	case CASE_WRONG_PORT:
		put_ack(o, info, seq, port + 1);
		break;
	case CASE_NEVER_SENT:
		put_ack(o, info, 0x7fffffff, port);
		break;
	case CASE_SHORT_DONE:
		put_nlh(o, NLMSG_HDRLEN + 2, NLMSG_DONE, seq, port);
		put(o, 4);
		break;
	case CASE_SHORT_ERROR:
		put_nlh(o, NLMSG_HDRLEN + 6, NLMSG_ERROR, seq, port);
		put(o, 8);
		break;
	default:
		return -EINVAL;
	}
	return o->len <= o->cap ? 0 : -EMSGSIZE;
}

static int hostile_break(struct sk_buff *skb, struct genl_info *info)
{
	struct out o = { .cap = (1 << 20) + 64 };
	struct sk_buff *out;
	u32 c;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, HOSTILE_A_CASE))
		return -EINVAL;
	c = nla_get_u32(info->attrs[HOSTILE_A_CASE]);
	o.buf = kvmalloc(o.cap, GFP_KERNEL);
	if (!o.buf)
		return -ENOMEM;
	err = build(&o, c, info);
	if (err)
		goto free;
	out = alloc_skb(o.len, GFP_KERNEL | __GFP_NOWARN);
	if (!out) {
		err = -ENOMEM;
		goto free;
	}
	skb_put_data(out, o.buf, o.len);
	err = genlmsg_unicast(genl_info_net(info), out, info->snd_portid);
free:
	kvfree(o.buf);
	if (err)
		return err;
	/* Only the well-formed reply is followed by the kernel's ACK. */
	return c == CASE_HUGE ? 0 : -EINTR;
}

/* A dump that never ends: one message a call, never 0. */
static int hostile_endless(struct sk_buff *skb, struct netlink_callback *cb)
{
	void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				&hostile_family, NLM_F_MULTI, HOSTILE_C_ENDLESS);

	if (!hdr)
		return -EMSGSIZE;
	genlmsg_end(skb, hdr);
	return skb->len;
}

static int hostile_echo(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *out;
	void *hdr;

	if (GENL_REQ_ATTR_CHECK(info, HOSTILE_A_MSG))
		return -EINVAL;
	out = genlmsg_new(nla_total_size(nla_len(info->attrs[HOSTILE_A_MSG])), GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	hdr = genlmsg_put_reply(out, info, &hostile_family, 0, HOSTILE_C_ECHO);
	if (!hdr || nla_put_string(out, HOSTILE_A_MSG, nla_data(info->attrs[HOSTILE_A_MSG]))) {
		nlmsg_free(out);
		return -EMSGSIZE;
	}
	genlmsg_end(out, hdr);
	return genlmsg_reply(out, info);
}

static const struct genl_small_ops hostile_ops[] = {
	{ .cmd = HOSTILE_C_BREAK, .doit = hostile_break },
	{ .cmd = HOSTILE_C_ENDLESS, .dumpit = hostile_endless },
	{ .cmd = HOSTILE_C_ECHO, .doit = hostile_echo },
};

static struct genl_family hostile_family __ro_after_init = {
	.name		= "nlkit_hostile",
	.version	= 1,
	.maxattr	= HOSTILE_A_MAX,
	.policy		= hostile_policy,
	.module		= THIS_MODULE,
	.small_ops	= hostile_ops,
	.n_small_ops	= ARRAY_SIZE(hostile_ops),
};

static int __init hostile_init(void)
{
	BUILD_BUG_ON(CASE_COUNT != 12);
	return genl_register_family(&hostile_family);
}

static void __exit hostile_exit(void)
{
	genl_unregister_family(&hostile_family);
}

module_init(hostile_init);
module_exit(hostile_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A generic netlink family that answers badly, for nlkit's tests");
