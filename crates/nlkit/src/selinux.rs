//! SELinux notices (`NETLINK_SELINUX`, `<linux/selinux_netlink.h>`,
//! pinned from 6.1): the kernel tells the `SELNLGRP_AVC` group when the
//! enforcing mode is set (`SELNL_MSG_SETENFORCE`) and when a policy is
//! loaded (`SELNL_MSG_POLICYLOAD`, with its sequence number), so that
//! user-space caches of access decisions can be reset. A kernel with
//! SELinux built in but not enabled has the protocol and sends nothing;
//! [`enabled`] tells the two apart.

use crate::error::{Error, Result};
use crate::sub::{Sender, Source, Unit};

/// `SELNL_MSG_SETENFORCE`.
pub const SELNL_MSG_SETENFORCE: u16 = 0x10;
/// `SELNL_MSG_POLICYLOAD`.
pub const SELNL_MSG_POLICYLOAD: u16 = 0x11;
/// `SELNLGRP_AVC`: the notices' group.
pub const SELNLGRP_AVC: u32 = 1;

/// One notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// The enforcing mode was set (`selnl_msg_setenforce.val`: 1
    /// enforcing, 0 permissive).
    SetEnforce(i32),
    /// A policy was loaded (`selnl_msg_policyload.seqno`).
    PolicyLoad(u32),
    /// Another message type, kept by its number.
    Other(u16),
}

fn word(payload: &[u8], what: &'static str) -> Result<[u8; 4]> {
    payload
        .get(..4)
        .and_then(|b| b.try_into().ok())
        .ok_or(Error::Malformed { what, why: "shorter than its 4-byte body" })
}

impl Notice {
    /// Reads one message's type and payload.
    pub fn parse(message_type: u16, payload: &[u8]) -> Result<Notice> {
        Ok(match message_type {
            SELNL_MSG_SETENFORCE => {
                Notice::SetEnforce(i32::from_ne_bytes(word(payload, "selnl_msg_setenforce")?))
            }
            SELNL_MSG_POLICYLOAD => {
                Notice::PolicyLoad(u32::from_ne_bytes(word(payload, "selnl_msg_policyload")?))
            }
            other => Notice::Other(other),
        })
    }
}

/// Whether SELinux is enabled here (its file system is mounted, as
/// libselinux's `is_selinux_enabled` checks first).
pub fn enabled() -> bool {
    std::path::Path::new("/sys/fs/selinux/enforce").exists()
}

/// The notices group as a subscription source: from the kernel only.
#[derive(Debug, Clone, Copy, Default)]
pub struct Notices;

impl Source for Notices {
    type Event<'a> = Notice;

    fn protocol(&self) -> crate::Protocol {
        crate::Protocol::SELINUX
    }

    fn groups(&self) -> Vec<u32> {
        vec![SELNLGRP_AVC]
    }

    fn admit(&self, sender: &Sender) -> std::result::Result<(), &'static str> {
        match sender.port {
            0 => Ok(()),
            _ => Err("not from the kernel (port id is not 0)"),
        }
    }

    fn decode<'a>(&self, unit: Unit<'a>) -> Result<Notice> {
        match unit {
            Unit::Message(m) => Notice::parse(u16::from(m.message_type()), m.payload()),
            Unit::Datagram(_) => {
                Err(Error::Malformed { what: "SELinux notice", why: "not a message" })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sub::{Batch, Counts, Item};
    use nlkit_wire::{Header, MessageBuilder};

    #[test]
    fn constants_match_the_pinned_header() {
        let h = include_str!("../../../tools/uapi/linux-6.1/linux/selinux_netlink.h");
        crate::proto::uapi_check::check(
            h,
            &[
                ("SELNL_MSG_SETENFORCE", SELNL_MSG_SETENFORCE.into()),
                ("SELNL_MSG_POLICYLOAD", SELNL_MSG_POLICYLOAD.into()),
                ("SELNLGRP_AVC", SELNLGRP_AVC.into()),
            ],
        );
    }

    #[test]
    fn notices_read_and_short_ones_are_errors() {
        let mut buf = Vec::new();
        for (t, body) in
            [(0x10u16, &(-1i32).to_ne_bytes()[..]), (0x11, &7u32.to_ne_bytes()), (0x11, &[1, 2])]
        {
            let mut b = MessageBuilder::new(&mut buf, Header::new(t)).unwrap();
            b.append(body).unwrap();
            let _ = b.finish();
        }
        let mut counts = Counts::default();
        let items: Vec<_> = Batch::replay(&Notices, &mut counts, &buf).collect();
        assert!(matches!(items[0], Item::Event { event: Notice::SetEnforce(-1), .. }));
        assert!(matches!(items[1], Item::Event { event: Notice::PolicyLoad(7), .. }));
        assert!(matches!(items[2], Item::Malformed(_)));
    }
}
