// SPDX-License-Identifier: GPL-2.0
/*
 * Rust helpers for nlkit's Rust module (kernel/rust): C functions that wrap
 * the inline functions and macros of the netlink, generic netlink, timer,
 * spinlock and memory APIs, which Rust cannot call directly (the same
 * technique as the files of the kernel's rust/helpers). vmtest/kernel.sh copies
 * this file to rust/helpers/nlkit.c and includes it from
 * rust/helpers/helpers.c; bindgen then exposes each `rust_helper_NAME` as
 * `kernel::bindings::NAME`. Every helper only forwards to the API of the
 * same name: no logic lives here.
 */

#include <linux/io.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <net/genetlink.h>
#include <net/netlink.h>

unsigned long rust_helper_spin_lock_irqsave(spinlock_t *lock)
{
	unsigned long flags;

	spin_lock_irqsave(lock, flags);
	return flags;
}

void rust_helper_spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags)
{
	spin_unlock_irqrestore(lock, flags);
}

void rust_helper_timer_setup(struct timer_list *timer,
			     void (*func)(struct timer_list *),
			     unsigned int flags)
{
	timer_setup(timer, func, flags);
}

phys_addr_t rust_helper_virt_to_phys(volatile void *address)
{
	return virt_to_phys(address);
}

struct sk_buff *rust_helper_nlmsg_new(size_t payload, gfp_t flags)
{
	return nlmsg_new(payload, flags);
}

struct nlmsghdr *rust_helper_nlmsg_put(struct sk_buff *skb, u32 portid,
				       u32 seq, int type, int payload,
				       int flags)
{
	return nlmsg_put(skb, portid, seq, type, payload, flags);
}

void rust_helper_nlmsg_end(struct sk_buff *skb, struct nlmsghdr *nlh)
{
	nlmsg_end(skb, nlh);
}

void rust_helper_nlmsg_free(struct sk_buff *skb)
{
	nlmsg_free(skb);
}

int rust_helper_nlmsg_multicast(struct sock *sk, struct sk_buff *skb,
				u32 portid, unsigned int group, gfp_t flags)
{
	return nlmsg_multicast(sk, skb, portid, group, flags);
}

int rust_helper_nla_total_size(int payload)
{
	return nla_total_size(payload);
}

struct sk_buff *rust_helper_genlmsg_new(size_t payload, gfp_t flags)
{
	return genlmsg_new(payload, flags);
}

void *rust_helper_genlmsg_put_reply(struct sk_buff *skb,
				    struct genl_info *info,
				    const struct genl_family *family,
				    int flags, u8 cmd)
{
	return genlmsg_put_reply(skb, info, family, flags, cmd);
}

void rust_helper_genlmsg_end(struct sk_buff *skb, void *hdr)
{
	genlmsg_end(skb, hdr);
}

int rust_helper_genlmsg_reply(struct sk_buff *skb, struct genl_info *info)
{
	return genlmsg_reply(skb, info);
}

int rust_helper_genlmsg_multicast(const struct genl_family *family,
				  struct sk_buff *skb, u32 portid,
				  unsigned int group, gfp_t flags)
{
	return genlmsg_multicast(family, skb, portid, group, flags);
}

/* GENL_REQ_ATTR_CHECK(): true (and the extack says which) if attr is missing. */
bool rust_helper_genl_req_attr_check(struct genl_info *info, u32 attr)
{
	return GENL_REQ_ATTR_CHECK(info, attr);
}
