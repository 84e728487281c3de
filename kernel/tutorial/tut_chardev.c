// SPDX-License-Identifier: GPL-2.0
/*
 * tut_chardev: a character device and a sysctl table written the way the
 * classic tutorials write them, with their habits, so that nlkit is tested
 * against a driver its authors did not design. Driven by the VM test
 * (vmtest/guest-tutorial.sh) through `nlkit dev` and `nlkit sysctl` only.
 *
 * /dev/tutdev (misc device): one opener at a time (-EBUSY), a one-page
 * buffer for read, write and llseek, mmap of that page, and its own ioctl
 * numbers on magic 'm':
 *   TUT_IOC_INFO   _IOR('m', 1, struct tut_info)   version, length, opens, name
 *   TUT_IOC_SET    _IOW('m', 2, int)               sets value
 *   TUT_IOC_RESET  _IO('m', 3)                     empties the buffer, value 0
 *   TUT_IOC_XCHG   _IOWR('m', 4, int)              sets value, returns the old
 * An unknown request is -EINVAL, not -ENOTTY (a tutorial habit).
 *
 * /proc/sys/tut/threshold (int, 0..100) and /proc/sys/tut/label (string).
 */
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sysctl.h>
#include <linux/uaccess.h>
#include <linux/version.h>

struct tut_info {
	__u32 version;
	__u32 len;
	__u64 opens;
	char name[24];
};

#define TUT_IOC_INFO	_IOR('m', 1, struct tut_info)
#define TUT_IOC_SET	_IOW('m', 2, int)
#define TUT_IOC_RESET	_IO('m', 3)
#define TUT_IOC_XCHG	_IOWR('m', 4, int)

static char *tut_buf;
static size_t tut_len;
static int value;
static u64 opens;
static atomic_t busy = ATOMIC_INIT(0);
static DEFINE_MUTEX(tut_lock);

static int tut_open(struct inode *inode, struct file *f)
{
	if (atomic_cmpxchg(&busy, 0, 1))
		return -EBUSY;
	opens++;
	return 0;
}

static int tut_release(struct inode *inode, struct file *f)
{
	atomic_set(&busy, 0);
	return 0;
}

static ssize_t tut_read(struct file *f, char __user *ubuf, size_t count, loff_t *ppos)
{
	ssize_t n;

	mutex_lock(&tut_lock);
	n = simple_read_from_buffer(ubuf, count, ppos, tut_buf, tut_len);
	mutex_unlock(&tut_lock);
	return n;
}

static ssize_t tut_write(struct file *f, const char __user *ubuf, size_t count, loff_t *ppos)
{
	ssize_t n;

	mutex_lock(&tut_lock);
	n = simple_write_to_buffer(tut_buf, PAGE_SIZE, ppos, ubuf, count);
	if (n > 0 && *ppos > tut_len)
		tut_len = *ppos;
	mutex_unlock(&tut_lock);
	return n;
}

static loff_t tut_llseek(struct file *f, loff_t off, int whence)
{
	return fixed_size_llseek(f, off, whence, PAGE_SIZE);
}

static long tut_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct tut_info info = { .version = 1 };
	int old, new;

	switch (cmd) {
	case TUT_IOC_INFO:
		mutex_lock(&tut_lock);
		info.len = tut_len;
		info.opens = opens;
		mutex_unlock(&tut_lock);
		strscpy(info.name, "tutdev", sizeof(info.name));
		return copy_to_user((void __user *)arg, &info, sizeof(info)) ? -EFAULT : 0;
	case TUT_IOC_SET:
		return get_user(value, (int __user *)arg);
	case TUT_IOC_RESET:
		mutex_lock(&tut_lock);
		memset(tut_buf, 0, PAGE_SIZE);
		tut_len = 0;
		value = 0;
		mutex_unlock(&tut_lock);
		return 0;
	case TUT_IOC_XCHG:
		if (get_user(new, (int __user *)arg))
			return -EFAULT;
		old = value;
		value = new;
		return put_user(old, (int __user *)arg);
	default:
		return -EINVAL;
	}
}

static int tut_mmap(struct file *f, struct vm_area_struct *vma)
{
	unsigned long size = vma->vm_end - vma->vm_start;

	if (vma->vm_pgoff != 0 || size > PAGE_SIZE)
		return -EINVAL;
	return remap_pfn_range(vma, vma->vm_start, virt_to_phys(tut_buf) >> PAGE_SHIFT,
			       size, vma->vm_page_prot);
}

static const struct file_operations tut_fops = {
	.owner		= THIS_MODULE,
	.open		= tut_open,
	.release	= tut_release,
	.read		= tut_read,
	.write		= tut_write,
	.llseek		= tut_llseek,
	.unlocked_ioctl	= tut_ioctl,
	.mmap		= tut_mmap,
};

static struct miscdevice tut_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "tutdev",
	.fops	= &tut_fops,
};

static int threshold = 10;
static int threshold_max = 100;
static char label[32] = "tutorial";
static struct ctl_table_header *tut_sysctl;

static struct ctl_table tut_table[] = {
	{
		.procname	= "threshold",
		.data		= &threshold,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= &threshold_max,
	},
	{
		.procname	= "label",
		.data		= label,
		.maxlen		= sizeof(label),
		.mode		= 0644,
		.proc_handler	= proc_dostring,
	},
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 11, 0)
	{ }
#endif
};

static int __init tut_init(void)
{
	int err;

	tut_buf = (char *)get_zeroed_page(GFP_KERNEL);
	if (!tut_buf)
		return -ENOMEM;
	tut_sysctl = register_sysctl("tut", tut_table);
	if (!tut_sysctl) {
		err = -ENOMEM;
		goto out_page;
	}
	err = misc_register(&tut_misc);
	if (err)
		goto out_sysctl;
	return 0;
out_sysctl:
	unregister_sysctl_table(tut_sysctl);
out_page:
	free_page((unsigned long)tut_buf);
	return err;
}

static void __exit tut_exit(void)
{
	misc_deregister(&tut_misc);
	unregister_sysctl_table(tut_sysctl);
	free_page((unsigned long)tut_buf);
}

module_init(tut_init);
module_exit(tut_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A tutorial-style char device and sysctl table, for nlkit's tests");
