/*
 * nlkit: appended by vmtest/kernel.sh to rust/bindings/bindings_helper.h,
 * so that bindgen exposes the netlink, generic netlink, procfs, sysctl,
 * misc device, timer, memory and module parameter APIs that nlkit's Rust
 * module (kernel/rust) and built-in code (kernel/builtin) call through
 * `kernel::bindings`.
 */
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/netlink.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <linux/sysctl.h>
#include <linux/timer.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/sock.h>
