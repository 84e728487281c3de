//! Kernel uevents (`NETLINK_KOBJECT_UEVENT`; see
//! Documentation/driver-api/driver-model and lib/kobject_uevent.c): the
//! kernel's own group (1), whose datagrams are `ACTION@DEVPATH` followed
//! by `KEY=VALUE` fields, each NUL-terminated.
//!
//! [`udev`] reads udev's group (2) and filters it in the kernel.
//!
//! [`KernelUevents`] is the subscription source, with trust rules as
//! strict as systemd's device monitor: a datagram is read only if it
//! comes from port id 0 (the kernel: a root process in user space can
//! send to group 1 too, the CVE-2009-1185 class, so a uid check alone is
//! not enough) and carries credentials of uid 0; anything else is an
//! [`Item::Refused`](crate::sub::Item::Refused), counted, never parsed.
//! [`Uevent::parse`] checks the framing and keeps the bytes: the
//! properties are read in place.
//!
//! One door is the kernel's own: a process with `CAP_SYS_ADMIN` over the
//! network namespace may send a netlink message to the uevent socket's
//! port 0, and the kernel broadcasts its payload as a uevent, from port 0,
//! with a `SEQNUM` appended (`uevent_net_rcv`, Linux 4.18). Such events
//! are believed, as systemd believes them: they come from the kernel, on
//! the word of a process the kernel trusted with that namespace.

use crate::error::{Error, Result};
use crate::socket::Protocol;
use crate::sub::{Framing, Sender, Source, Unit};
use nlkit_wire::Error as WireError;

pub mod udev;

pub use udev::{Filter, UdevHeader, UdevUevents};

/// The kernel's uevent group.
pub const GROUP_KERNEL: u32 = 1;
/// udev's group: what udevd sends after processing an event.
pub const GROUP_UDEV: u32 = 2;

/// One uevent, read in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Uevent<'a> {
    /// `add`, `remove`, `change`, `move`, `online`, `offline`, `bind`,
    /// `unbind`.
    pub action: &'a str,
    /// The device's path under /sys, e.g. `/devices/virtual/net/v0`.
    pub devpath: &'a str,
    fields: &'a [u8],
    /// udev's header, for an event read from udev's group.
    pub udev: Option<UdevHeader>,
}

impl<'a> Uevent<'a> {
    /// Reads a kernel uevent datagram: the `ACTION@DEVPATH` header, then
    /// `KEY=VALUE` fields, NUL-separated, all UTF-8. A field without `=`,
    /// an empty key, or a header without `@` is an error.
    pub fn parse(bytes: &'a [u8]) -> Result<Self> {
        let bad = || Error::Wire(WireError::Truncated { need: 1, have: bytes.len() });
        let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        let header = std::str::from_utf8(&bytes[..end]).map_err(|_| bad())?;
        let (action, devpath) = header.split_once('@').ok_or_else(bad)?;
        if action.is_empty() || !devpath.starts_with('/') {
            return Err(bad());
        }
        let fields = bytes.get(end + 1..).unwrap_or(&[]);
        let event = Uevent { action, devpath, fields, udev: None };
        for f in event.raw_fields() {
            let f = std::str::from_utf8(f).map_err(|_| bad())?;
            match f.split_once('=') {
                Some((k, _)) if !k.is_empty() => {}
                _ => return Err(bad()),
            }
        }
        if event.get("ACTION").is_some_and(|a| a != action) {
            return Err(bad());
        }
        Ok(event)
    }

    fn raw_fields(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.fields.split(|&b| b == 0).filter(|f| !f.is_empty())
    }

    /// The `KEY=VALUE` properties, in order.
    pub fn properties(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.raw_fields()
            .filter_map(|f| std::str::from_utf8(f).ok())
            .filter_map(|f| f.split_once('='))
    }

    /// The value of property `key`.
    pub fn get(&self, key: &str) -> Option<&'a str> {
        self.properties().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// `SUBSYSTEM` (`net`, `block`, ...).
    pub fn subsystem(&self) -> Option<&'a str> {
        self.get("SUBSYSTEM")
    }

    /// `DEVTYPE`, where the device has one.
    pub fn devtype(&self) -> Option<&'a str> {
        self.get("DEVTYPE")
    }

    /// `SEQNUM`: the kernel's event counter.
    pub fn seqnum(&self) -> Option<u64> {
        self.get("SEQNUM").and_then(|s| s.parse().ok())
    }
}

/// The kernel's uevents as a subscription source; see the module docs.
#[derive(Debug, Clone, Copy, Default)]
pub struct KernelUevents;

impl Source for KernelUevents {
    type Event<'a> = Uevent<'a>;

    fn protocol(&self) -> Protocol {
        Protocol::KOBJECT_UEVENT
    }

    fn groups(&self) -> Vec<u32> {
        vec![GROUP_KERNEL]
    }

    fn framing(&self) -> Framing {
        Framing::Datagram
    }

    fn credentials(&self) -> bool {
        true
    }

    fn admit(&self, sender: &Sender) -> std::result::Result<(), &'static str> {
        if sender.control_truncated {
            return Err("control messages truncated (MSG_CTRUNC): credentials unknown");
        }
        if sender.port != 0 {
            return Err("not from the kernel: sender port id is not 0");
        }
        match sender.credentials {
            Some(c) if c.uid == 0 => Ok(()),
            Some(_) => Err("not from the kernel: sender uid is not 0"),
            None => Err("no credentials"),
        }
    }

    fn decode<'a>(&self, unit: Unit<'a>) -> Result<Uevent<'a>> {
        match unit {
            Unit::Datagram(bytes) => Uevent::parse(bytes),
            Unit::Message(m) => Uevent::parse(m.bytes()),
        }
    }
}

/// Uevents lost at overruns, from the `SEQNUM` gaps they leave. An
/// overrun is said (ENOBUFS) before the events queued ahead of the lost
/// ones are read, and losses can go on while they are; the gap of losses
/// at the end of a burst shows only at the next event, whenever it comes.
/// So each overrun opens a window that stays open until a gap has been
/// seen for it, and every gap inside is counted. The kernel numbers every
/// uevent from one counter for the whole machine, also those it sends
/// only to another network namespace, so a gap is a loss only in such a
/// window, and even there the count is an upper bound (exact when
/// nothing else made uevents meanwhile).
#[derive(Debug, Clone, Copy, Default)]
pub struct SeqGap {
    last: Option<u64>,
    /// Overruns whose gap has not shown yet.
    pending: u32,
    /// Events lost not yet said by [`drained`](Self::drained).
    found: u64,
    /// Events lost so far (at most), over every overrun.
    pub lost: u64,
}

impl SeqGap {
    /// Records an overrun.
    pub fn overrun(&mut self) {
        self.pending = self.pending.saturating_add(1);
    }

    /// Records `e`'s `SEQNUM`.
    pub fn see(&mut self, e: &Uevent<'_>) {
        let Some(seq) = e.seqnum() else { return };
        let gap = self.last.replace(seq).and_then(|l| seq.checked_sub(l)?.checked_sub(1));
        match gap {
            Some(gap) if gap > 0 && (self.pending > 0 || self.found > 0) => {
                self.pending = self.pending.saturating_sub(1);
                self.found += gap;
                self.lost += gap;
            }
            _ => {}
        }
    }

    /// The queue was read empty: how many events (at most) overruns lost
    /// since it was last asked, if any gap showed.
    pub fn drained(&mut self) -> Option<u64> {
        Some(std::mem::take(&mut self.found)).filter(|&n| n > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::socket::{RecvBuf, SocketAddr};
    use crate::sub::{Batch, Counts, Item};

    const ADD: &[u8] =
        b"add@/devices/virtual/net/v0\0ACTION=add\0DEVPATH=/devices/virtual/net/v0\0\
SUBSYSTEM=net\0INTERFACE=v0\0IFINDEX=2\0SEQNUM=4321\0";

    #[test]
    fn a_kernel_uevent_reads_in_place() {
        let e = Uevent::parse(ADD).unwrap();
        assert_eq!((e.action, e.devpath), ("add", "/devices/virtual/net/v0"));
        assert_eq!(
            (e.subsystem(), e.seqnum(), e.get("IFINDEX")),
            (Some("net"), Some(4321), Some("2"))
        );
        assert_eq!(e.properties().count(), 6);
        assert_eq!(e.devtype(), None);
    }

    #[test]
    fn bad_framing_is_an_error() {
        for bad in [
            &b"no-at-sign\0A=b\0"[..],
            b"add@relative\0",
            b"@/devices\0",
            b"add@/devices\0NOEQUALS\0",
            b"add@/devices\0=value\0",
            b"add@/devices\0ACTION=remove\0",
            b"add@/devices\0K=\xff\0",
        ] {
            assert!(Uevent::parse(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
        assert!(Uevent::parse(b"add@/devices/x").is_ok(), "no fields, no final NUL");
    }

    #[test]
    fn only_the_kernel_is_believed() {
        let mut counts = Counts::default();
        // From a user process (port 4242), as a spoofer sends it.
        let mut buf = RecvBuf::new();
        buf.set(ADD, SocketAddr::port(4242));
        let items: Vec<_> = Batch::read(&KernelUevents, &mut counts, &buf).collect();
        assert!(matches!(items[..], [Item::Refused { reason, .. }] if reason.contains("port id")));
        // From port 0 but without credentials (set() carries none): refused too.
        buf.set(ADD, SocketAddr::port(0));
        let items: Vec<_> = Batch::read(&KernelUevents, &mut counts, &buf).collect();
        assert!(matches!(items[..], [Item::Refused { reason: "no credentials", .. }]));
        assert_eq!(counts.refused, 2);
    }

    #[test]
    fn seqnum_gaps_count_only_after_an_overrun() {
        let ev = |n: u64| format!("change@/devices/x\0SEQNUM={n}\0").into_bytes();
        let see = |gap: &mut SeqGap, n: u64| gap.see(&Uevent::parse(&ev(n)).unwrap());
        let mut gap = SeqGap::default();
        see(&mut gap, 10);
        see(&mut gap, 14); // events for other namespaces: not losses
        assert_eq!(gap.drained(), None);
        gap.overrun();
        see(&mut gap, 15); // queued before the drop
        see(&mut gap, 16);
        assert_eq!(gap.drained(), None, "no gap yet");
        see(&mut gap, 20);
        see(&mut gap, 22); // a second drop run before the queue emptied
        gap.overrun(); // a drop at the end of the burst
        assert_eq!(gap.drained(), Some(4));
        see(&mut gap, 30); // its gap, at the next event
        assert_eq!(gap.drained(), Some(7));
        see(&mut gap, 35); // no overrun: another namespace's events
        assert_eq!(gap.drained(), None);
        gap.see(&Uevent::parse(b"change@/devices/x\0").unwrap());
        assert_eq!(gap.lost, 11);
    }
}
