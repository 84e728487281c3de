//! Which sysctl keys belong to a network namespace, as the kernel decides.
//!
//! `/proc/sys` is one tree, but the kernel fills it from several sets of
//! tables: per-network-namespace ones (registered with
//! `register_net_sysctl`: most of `net.*`, and the per-device entries), and
//! global ones that every namespace sees the same (`kernel.*`, `vm.*`,
//! `fs.*`, and keys owned by other kinds of namespace, such as
//! `kernel.hostname` of the UTS namespace). Entering a network namespace
//! changes only the first kind, so a tool run with `-n NS` must not present
//! a global key as the namespace's or write it on the namespace's behalf.
//!
//! The classification is the kernel's own, not a list of prefixes: procfs
//! gives a per-namespace entry its own dentry in each namespace
//! (`proc_sys_compare` refuses a cached dentry whose table the looking
//! namespace does not see), while a global entry's dentry is shared. So a
//! key is the namespace's when the file opened there is another inode than
//! the same name opened, at the same time, in a reference namespace, or
//! exists only there. The reference is a fresh, empty network namespace
//! made with `unshare(CLONE_NEWNET)` on a short-lived thread (root only),
//! so the answer does not depend on where the caller runs.

use super::sysctl::Sysctl;
use crate::error::{Error as NlError, Result as NlResult};
use crate::socket::Netns;
use std::fs::File;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

/// Files held open at once while comparing (each pins its dentry).
const CHUNK: usize = 256;

/// Whether each of `names` (as [`Sysctl::path`] resolves them) belongs to
/// the network namespace `netns`: true for a key the namespace has its own
/// copy of, false for a global key or one missing there.
pub fn owned_by_netns(tree: &Sysctl, netns: &Netns<'_>, names: &[&str]) -> NlResult<Vec<bool>> {
    let mut owned = Vec::with_capacity(names.len());
    for chunk in names.chunks(CHUNK) {
        let paths: Vec<_> = chunk.iter().map(|n| tree.path(n).ok()).collect();
        let open_all = || -> Vec<Option<(File, u64, u64)>> {
            let open = |p: &PathBuf| {
                let f = File::open(p).ok()?;
                let m = f.metadata().ok()?;
                Some((f, m.dev(), m.ino()))
            };
            paths.iter().map(|p| p.as_ref().and_then(open)).collect()
        };
        // The reference's files stay open (their dentries pinned) while the
        // namespace looks the same names up.
        let reference = std::thread::scope(|s| {
            s.spawn(|| -> std::io::Result<_> {
                crate::sys::unshare(libc::CLONE_NEWNET)?;
                Ok(open_all())
            })
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("namespace thread panicked")))
        })
        .map_err(|source| NlError::Netns { path: None, source })?;
        let there = netns.run(open_all)?;
        owned.extend(there.iter().zip(&reference).map(|(t, r)| match (t, r) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some((_, dev, ino)), Some((_, rdev, rino))) => (dev, ino) != (rdev, rino),
        }));
    }
    Ok(owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    /// A throwaway namespace, deleted on drop.
    struct Ns(String);
    impl Drop for Ns {
        fn drop(&mut self) {
            let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
        }
    }

    #[test]
    fn net_keys_are_the_namespace_s_and_the_rest_are_not() {
        let ns = Ns(format!("nlkit-sysctl-owner-{}", std::process::id()));
        assert!(Command::new("ip").args(["netns", "add", &ns.0]).status().unwrap().success());
        let tree = Sysctl::new();
        let names = [
            "net.ipv4.ip_forward",
            "net.ipv4.conf.lo.forwarding",
            "net.core.somaxconn",
            "kernel.hostname",
            "kernel.ostype",
            "vm.swappiness",
            "net.no.such.key",
        ];
        let got = owned_by_netns(&tree, &Netns::Name(&ns.0), &names).unwrap();
        assert_eq!(got, [true, true, true, false, false, false, false]);
        // The caller's own namespace is classified the same way.
        let me = std::path::Path::new("/proc/self/ns/net");
        let got = owned_by_netns(&tree, &Netns::Path(me), &names).unwrap();
        assert_eq!(got, [true, true, true, false, false, false, false]);
    }
}
