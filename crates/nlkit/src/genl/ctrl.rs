//! The generic netlink controller, `nlctrl`: family lookup; and the
//! resolved [`Family`] as the handle its requests are made from.

use crate::engine::{Ack, Conn, Get, Request, Stream, Transport};
use crate::error::{Error, Result};
use nlkit_wire::genl::{GenlBuffer, GenlHeader, GENL_ID_CTRL};
use nlkit_wire::{Attr, Attrs, Error as WireError, Flags, Message, MessageBuilder};

/// `CTRL_CMD_GETFAMILY`.
pub const CTRL_CMD_GETFAMILY: u8 = 3;
/// `CTRL_ATTR_FAMILY_ID` (u16).
pub const CTRL_ATTR_FAMILY_ID: u16 = 1;
/// `CTRL_ATTR_FAMILY_NAME` (string).
pub const CTRL_ATTR_FAMILY_NAME: u16 = 2;
/// `CTRL_ATTR_VERSION` (u32).
pub const CTRL_ATTR_VERSION: u16 = 3;
/// `CTRL_ATTR_HDRSIZE` (u32).
pub const CTRL_ATTR_HDRSIZE: u16 = 4;
/// `CTRL_ATTR_MAXATTR` (u32).
pub const CTRL_ATTR_MAXATTR: u16 = 5;
/// `CTRL_ATTR_OPS` (nested array).
pub const CTRL_ATTR_OPS: u16 = 6;
/// `CTRL_ATTR_MCAST_GROUPS` (nested array).
pub const CTRL_ATTR_MCAST_GROUPS: u16 = 7;
/// `CTRL_ATTR_MCAST_GRP_NAME` (string).
pub const CTRL_ATTR_MCAST_GRP_NAME: u16 = 1;
/// `CTRL_ATTR_MCAST_GRP_ID` (u32).
pub const CTRL_ATTR_MCAST_GRP_ID: u16 = 2;

/// A generic netlink family as the controller describes it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Family {
    /// The family id: the `nlmsg_type` of its messages.
    pub id: u16,
    /// The family name.
    pub name: String,
    /// The interface version.
    pub version: u32,
    /// Size of the family's own header after `genlmsghdr`.
    pub hdrsize: u32,
    /// The highest attribute type.
    pub maxattr: u32,
    /// Its multicast groups.
    pub mcast_groups: Vec<McastGroup>,
}

/// A multicast group of a generic family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct McastGroup {
    /// The group's name.
    pub name: String,
    /// The group id to join with `add_membership`.
    pub id: u32,
}

impl Family {
    /// Reads a `CTRL_CMD_NEWFAMILY` reply.
    pub fn parse(msg: &Message<'_>) -> Result<Family> {
        let genl = GenlBuffer::new_checked(msg.payload())?;
        let mut family = Family::default();
        for attr in Attrs::new(genl.attrs()) {
            let attr = attr?;
            match attr.kind() {
                CTRL_ATTR_FAMILY_ID => family.id = attr.u16()?,
                CTRL_ATTR_FAMILY_NAME => family.name = attr.string()?.to_owned(),
                CTRL_ATTR_VERSION => family.version = attr.u32()?,
                CTRL_ATTR_HDRSIZE => family.hdrsize = attr.u32()?,
                CTRL_ATTR_MAXATTR => family.maxattr = attr.u32()?,
                CTRL_ATTR_MCAST_GROUPS => family.mcast_groups = parse_groups(&attr)?,
                _ => {}
            }
        }
        Ok(family)
    }

    /// The id of the multicast group called `name`.
    pub fn group(&self, name: &str) -> Option<u32> {
        self.mcast_groups.iter().find(|g| g.name == name).map(|g| g.id)
    }

    /// A command the family acknowledges: the `genlmsghdr` (`cmd`, the
    /// family's `version`), then what `body` writes; sent to this
    /// family's id.
    pub fn ack<B>(&self, cmd: u8, flags: Flags, body: B) -> impl Request<Output = ()> + use<'_, B>
    where
        B: Fn(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError>,
    {
        Ack { message_type: self.id, flags, body: self.body(cmd, body) }
    }

    /// A command answered by one reply, which `read` makes into a value
    /// (its `genlmsghdr` checked and skipped: `read` gets the attributes).
    pub fn get<B, F, R>(
        &self,
        cmd: u8,
        body: B,
        mut read: F,
    ) -> impl Request<Output = R> + use<'_, B, F, R>
    where
        B: Fn(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError>,
        F: FnMut(Attrs<'_>) -> Result<R>,
    {
        let read =
            move |m: Message<'_>| read(Attrs::new(GenlBuffer::new_checked(m.payload())?.attrs()));
        Get::new(self.id, self.body(cmd, body), read)
    }

    /// A dump of command `cmd`: each reply's attributes go to `each`.
    pub fn dump<B, E>(
        &self,
        cmd: u8,
        body: B,
        mut each: E,
    ) -> impl Request<Output = ()> + use<'_, B, E>
    where
        B: Fn(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError>,
        E: FnMut(Attrs<'_>) -> Result<()>,
    {
        Stream {
            message_type: self.id,
            flags: Flags::DUMP,
            body: self.body(cmd, body),
            each: move |m: Message<'_>| {
                each(Attrs::new(GenlBuffer::new_checked(m.payload())?.attrs()))
            },
        }
    }

    fn body<B>(
        &self,
        cmd: u8,
        body: B,
    ) -> impl Fn(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError>
    where
        B: Fn(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError>,
    {
        let header = GenlHeader::new(cmd, self.version as u8).to_bytes();
        move |b: &mut MessageBuilder<'_, Vec<u8>>| {
            b.append(&header)?;
            body(b)
        }
    }
}

fn parse_groups(attr: &Attr<'_>) -> Result<Vec<McastGroup>> {
    let mut groups = Vec::new();
    for entry in attr.array() {
        let (_, attrs) = entry?;
        let (mut name, mut id) = (None, None);
        for a in attrs {
            let a = a?;
            match a.kind() {
                CTRL_ATTR_MCAST_GRP_NAME => name = Some(a.string()?.to_owned()),
                CTRL_ATTR_MCAST_GRP_ID => id = Some(a.u32()?),
                _ => {}
            }
        }
        if let (Some(name), Some(id)) = (name, id) {
            groups.push(McastGroup { name, id });
        }
    }
    Ok(groups)
}

impl<T: Transport> Conn<T> {
    /// Looks up a generic netlink family by name (`CTRL_CMD_GETFAMILY`).
    /// An unknown family is [`Error::FamilyNotFound`].
    pub fn resolve_family(&mut self, name: &str) -> Result<Family> {
        let mut found = None;
        let not_found = || Error::FamilyNotFound { name: name.to_string() };
        let asked = self.request(
            GENL_ID_CTRL,
            Flags::empty(),
            |b| {
                b.append(&GenlHeader::new(CTRL_CMD_GETFAMILY, 1).to_bytes())?;
                b.attr_str(CTRL_ATTR_FAMILY_NAME, name)
            },
            |msg| {
                found = Some(Family::parse(&msg)?);
                Ok(())
            },
        );
        match asked {
            Err(e) if e.errno() == Some(libc::ENOENT) => return Err(not_found()),
            other => other?,
        }
        found.ok_or_else(not_found)
    }
}
