//! Architectures as audit names them: the `AUDIT_ARCH_*` value of a
//! rule's `arch` field and of a `SYSCALL` record's `arch=`, and each one's
//! system call names (the generated [`syscalls`] tables,
//! from the pinned 6.1 headers: x86_64 and i386, the two ABIs of an
//! x86_64 machine). Unknown architectures and numbers newer than the
//! tables stay numbers.

use super::syscalls;

/// An architecture nlkit has a system call table for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arch {
    /// `AUDIT_ARCH_X86_64`.
    X86_64,
    /// `AUDIT_ARCH_I386` (also 32-bit programs on x86_64).
    I386,
}

impl Arch {
    /// Every architecture with a table.
    pub const ALL: [Arch; 2] = [Arch::X86_64, Arch::I386];

    /// The architecture of an `AUDIT_ARCH_*` value.
    pub fn from_audit(value: u32) -> Option<Arch> {
        Arch::ALL.into_iter().find(|a| a.audit() == value)
    }

    /// Its `AUDIT_ARCH_*` value.
    pub fn audit(self) -> u32 {
        match self {
            Arch::X86_64 => syscalls::AUDIT_ARCH_X86_64,
            Arch::I386 => syscalls::AUDIT_ARCH_I386,
        }
    }

    /// Its name as `ausearch -i` prints it.
    pub fn name(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::I386 => "i386",
        }
    }

    /// What auditctl's `arch=b64` (`bits` 64) and `arch=b32` (32) mean on
    /// the machine nlkit was built for: its own ABI of that width.
    pub fn native(bits: u32) -> Option<Arch> {
        match (bits, cfg!(target_arch = "x86_64"), cfg!(target_arch = "x86")) {
            (64, true, _) => Some(Arch::X86_64),
            (32, true, _) | (32, _, true) => Some(Arch::I386),
            _ => None,
        }
    }

    /// The machine's own ABI (the 64-bit one on a 64-bit machine).
    pub fn default_for_machine() -> Option<Arch> {
        Arch::native(usize::BITS)
    }

    fn table(self) -> &'static [&'static str] {
        match self {
            Arch::X86_64 => syscalls::X86_64,
            Arch::I386 => syscalls::I386,
        }
    }

    /// The name of system call `number`.
    pub fn syscall_name(self, number: u32) -> Option<&'static str> {
        self.table().get(number as usize).copied().filter(|n| !n.is_empty())
    }

    /// The number of system call `name`.
    pub fn syscall_number(self, name: &str) -> Option<u32> {
        let at = self.table().iter().position(|n| !n.is_empty() && *n == name)?;
        u32::try_from(at).ok()
    }
}

/// The `arch=` (hex) and `syscall=` (decimal) fields of a record's text
/// (`SYSCALL`, `SECCOMP`), as the kernel writes them.
pub fn syscall_of(text: &str) -> Option<(u32, u32)> {
    let field = |key: &str| text.split(' ').find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='));
    let arch = u32::from_str_radix(field("arch")?, 16).ok()?;
    let number = field("syscall")?.parse().ok()?;
    Some((arch, number))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers_from_the_pinned_tables() {
        assert_eq!(Arch::X86_64.syscall_name(59), Some("execve"));
        assert_eq!(Arch::I386.syscall_name(11), Some("execve"));
        assert_eq!(Arch::X86_64.syscall_number("openat"), Some(257));
        assert_eq!(Arch::I386.syscall_number("openat"), Some(295));
        assert_eq!(Arch::X86_64.syscall_name(400), None, "a hole in the table");
        assert_eq!(Arch::X86_64.syscall_name(9999), None);
        assert_eq!(Arch::X86_64.syscall_number(""), None);
        assert_eq!(Arch::X86_64.syscall_number("nosuch"), None);
        assert_eq!(Arch::from_audit(0xc000_003e), Some(Arch::X86_64));
        assert_eq!(Arch::from_audit(0x4000_0003), Some(Arch::I386));
        assert_eq!(Arch::from_audit(0xc000_00b7), None, "aarch64: no table");
        // The table agrees with the C library's numbers for this machine.
        #[cfg(target_arch = "x86_64")]
        for (name, n) in
            [("read", libc::SYS_read), ("openat", libc::SYS_openat), ("bpf", libc::SYS_bpf)]
        {
            assert_eq!(Arch::X86_64.syscall_number(name), Some(n as u32));
        }
    }

    #[test]
    fn a_syscall_records_arch_and_number() {
        let text = "arch=c000003e syscall=59 success=yes exit=0 a0=55d0 items=2 ppid=1 pid=2";
        assert_eq!(syscall_of(text), Some((0xc000_003e, 59)));
        assert_eq!(syscall_of("syscall=59"), None);
        assert_eq!(syscall_of("arch=zz syscall=59"), None);
        assert_eq!(syscall_of("auid=1 res=1"), None);
    }
}
