//! The generic netlink controller, `nlctrl` (`<linux/genetlink.h>`): the
//! families (ids, versions, operations with their flags, multicast
//! groups), their policies (`CTRL_CMD_GETPOLICY`: what the kernel
//! enforces on each attribute), and the resolved [`Family`] as the handle
//! its own requests are made from. The attribute tables are generated
//! from the `nlctrl` YNL spec ([`nlctrl`]).

use super::nlctrl::{self, CtrlAttrs, McastGroupAttrs, OpAttrs, OpPolicyAttrs, PolicyAttrs};
use super::GenlMsgHdr;
use crate::engine::{Ack, Conn, Get, Request, Stream, Transport};
use crate::error::{Error, Result};
use crate::proto::{SetMeta, View};
use nlkit_wire::genl::{GenlBuffer, GenlHeader, GENL_ID_CTRL};
use nlkit_wire::{Attr, Attrs, Error as WireError, Flags, Message, MessageBuilder};

pub use super::nlctrl::{
    CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_HDRSIZE, CTRL_ATTR_MAXATTR,
    CTRL_ATTR_MCAST_GROUPS, CTRL_ATTR_MCAST_GRP_ID, CTRL_ATTR_MCAST_GRP_NAME, CTRL_ATTR_OPS,
    CTRL_ATTR_VERSION,
};

/// `CTRL_CMD_NEWFAMILY`: a family's description (replies, notifications).
pub const CTRL_CMD_NEWFAMILY: u8 = 1;
/// `CTRL_CMD_DELFAMILY`: a family went away (notifications).
pub const CTRL_CMD_DELFAMILY: u8 = 2;
/// `CTRL_CMD_GETFAMILY`.
pub const CTRL_CMD_GETFAMILY: u8 = 3;
/// `CTRL_CMD_NEWMCAST_GRP`: a group was added (notifications).
pub const CTRL_CMD_NEWMCAST_GRP: u8 = 7;
/// `CTRL_CMD_DELMCAST_GRP`: a group was removed (notifications).
pub const CTRL_CMD_DELMCAST_GRP: u8 = 8;
/// `CTRL_CMD_GETPOLICY`.
pub const CTRL_CMD_GETPOLICY: u8 = 10;
/// The controller's own interface version, sent in its requests.
const CTRL_VERSION: u8 = 2;

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
    /// Its operations.
    pub ops: Vec<Op>,
    /// Its multicast groups.
    pub mcast_groups: Vec<McastGroup>,
}

/// An operation of a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Op {
    /// Its place in the controller's list (from 1).
    pub index: u16,
    /// The command number.
    pub id: u32,
    /// `GENL_*` capability flags ([`nlctrl::op_flags`]), when sent.
    pub flags: Option<u32>,
}

impl Op {
    /// The flags as words: `admin-perm`, `do`, `dump`, `has-policy`,
    /// `uns-admin-perm`.
    pub fn flag_names(&self) -> Vec<&'static str> {
        use nlctrl::op_flags::*;
        let f = self.flags.unwrap_or(0);
        let names = [
            (ADMIN_PERM, "admin-perm"),
            (CMD_CAP_DO, "do"),
            (CMD_CAP_DUMP, "dump"),
            (CMD_CAP_HASPOL, "has-policy"),
            (UNS_ADMIN_PERM, "uns-admin-perm"),
        ];
        names.iter().filter(|(bit, _)| f & bit != 0).map(|(_, n)| *n).collect()
    }
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
    /// Reads a `CTRL_CMD_NEWFAMILY` message (a reply or a notification).
    pub fn parse(msg: &Message<'_>) -> Result<Family> {
        Family::from_view(&CtrlAttrs::parse(msg)?)
    }

    /// The family a controller view describes: an entry that does not
    /// read is an error (nothing is quietly dropped).
    pub fn from_view(v: &CtrlAttrs<'_>) -> Result<Family> {
        if let Some(bad) = v.malformed().next() {
            return Err(Error::Wire(bad.error));
        }
        let mut ops = Vec::new();
        for (index, op) in v.ops.iter().flat_map(|o| o.entries()) {
            let op: OpAttrs<'_> = op?;
            let id =
                op.id.ok_or(Error::MissingAttr { set: "op-attrs", attr: "CTRL_ATTR_OP_ID" })?;
            ops.push(Op { index, id, flags: op.flags });
        }
        let mut mcast_groups = Vec::new();
        for (_, g) in v.mcast_groups.iter().flat_map(|g| g.entries()) {
            let g: McastGroupAttrs<'_> = g?;
            if let (Some(name), Some(id)) = (g.name, g.id) {
                mcast_groups.push(McastGroup { name: name.to_owned(), id });
            }
        }
        Ok(Family {
            id: v.family_id.unwrap_or(0),
            name: v.family_name.unwrap_or("").to_owned(),
            version: v.version.unwrap_or(0),
            hdrsize: v.hdrsize.unwrap_or(0),
            maxattr: v.maxattr.unwrap_or(0),
            ops,
            mcast_groups,
        })
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

/// What the kernel enforces on a family's attributes (`CTRL_CMD_GETPOLICY`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Policy {
    /// The family's id.
    pub family_id: u16,
    /// Which policy each operation's requests are checked against.
    pub ops: Vec<OpPolicy>,
    /// Each attribute of each policy (policy 0 is the family's top level;
    /// nested attributes point at others).
    pub attrs: Vec<PolicyAttr>,
}

/// The policies of one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpPolicy {
    /// The command.
    pub op: u16,
    /// The policy its requests (`doit`) are checked against.
    pub do_policy: Option<u32>,
    /// The policy its dump requests are checked against.
    pub dump_policy: Option<u32>,
}

/// One attribute of one policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PolicyAttr {
    /// The policy it belongs to.
    pub policy: u16,
    /// The attribute type.
    pub attr: u16,
    /// `NL_ATTR_TYPE_*` ([`nlctrl::attr_type`]).
    pub kind: u32,
    /// Signed range, where checked.
    pub range_s: Option<(i64, i64)>,
    /// Unsigned range, where checked.
    pub range_u: Option<(u64, u64)>,
    /// Shortest payload accepted.
    pub min_len: Option<u32>,
    /// Longest payload accepted.
    pub max_len: Option<u32>,
    /// For nests: the policy of the nested attributes.
    pub nested_policy: Option<u32>,
    /// For nests: their highest attribute type.
    pub nested_maxtype: Option<u32>,
    /// For `bitfield32`: the valid bits.
    pub bitfield32_mask: Option<u32>,
    /// For unsigned integers: the valid bits.
    pub mask: Option<u64>,
}

impl PolicyAttr {
    /// The attribute type's name as iproute2 prints it (`U32`, `NUL_STRING`, ...).
    pub fn kind_name(&self) -> &'static str {
        use nlctrl::attr_type::*;
        match self.kind {
            FLAG => "FLAG",
            U8 => "U8",
            U16 => "U16",
            U32 => "U32",
            U64 => "U64",
            S8 => "S8",
            S16 => "S16",
            S32 => "S32",
            S64 => "S64",
            BINARY => "BINARY",
            STRING => "STRING",
            NUL_STRING => "NUL_STRING",
            NESTED => "NESTED",
            NESTED_ARRAY => "NESTED_ARRAY",
            BITFIELD32 => "BITFIELD32",
            SINT => "SINT",
            UINT => "UINT",
            _ => "unknown",
        }
    }

    fn read(policy: u16, attr: u16, v: &PolicyAttrs<'_>) -> Self {
        PolicyAttr {
            policy,
            attr,
            kind: v.type_.unwrap_or(0),
            range_s: v.min_value_s.zip(v.max_value_s),
            range_u: v.min_value_u.zip(v.max_value_u),
            min_len: v.min_length,
            max_len: v.max_length,
            nested_policy: v.policy_idx,
            nested_maxtype: v.policy_maxtype,
            bitfield32_mask: v.bitfield32_mask,
            mask: v.mask,
        }
    }
}

impl Policy {
    /// The spec's name of attribute `a`, where `ops` (a family's
    /// [`known_ops`](super::known_ops)) says which set the policy checks:
    /// the set of an operation whose requests use that policy.
    pub fn attr_name(
        &self,
        ops: &[(u8, &'static SetMeta)],
        a: &PolicyAttr,
    ) -> Option<&'static str> {
        self.policy_set(ops, u32::from(a.policy), 0)?.by_kind(a.attr).map(|m| m.name)
    }

    /// The attribute set policy `policy` checks: an operation's own (by
    /// `ops`), or, for a nested policy, the set of the nest that refers
    /// to it in a policy whose set is known (at most 8 levels down).
    pub fn policy_set(
        &self,
        ops: &[(u8, &'static SetMeta)],
        policy: u32,
        depth: usize,
    ) -> Option<&'static SetMeta> {
        let direct = self
            .ops
            .iter()
            .filter(|o| o.do_policy == Some(policy) || o.dump_policy == Some(policy))
            .find_map(|o| ops.iter().find(|(cmd, _)| u16::from(*cmd) == o.op))
            .map(|(_, set)| *set);
        if direct.is_some() || depth >= 8 {
            return direct;
        }
        self.attrs.iter().filter(|a| a.nested_policy == Some(policy)).find_map(|outer| {
            let set = self.policy_set(ops, u32::from(outer.policy), depth + 1)?;
            match set.by_kind(outer.attr)?.value {
                crate::proto::ValueType::Nest(inner) => Some(inner),
                _ => None,
            }
        })
    }

    /// Adds what one `CTRL_CMD_GETPOLICY` reply says.
    pub fn add(&mut self, msg: &Message<'_>) -> Result<()> {
        let v = CtrlAttrs::parse(msg)?;
        self.family_id = v.family_id.unwrap_or(self.family_id);
        if let Some(a) = v.raw_attr(nlctrl::CTRL_ATTR_OP_POLICY) {
            for op in a.nested() {
                let op = op?;
                let p = OpPolicyAttrs::parse_payload(op.payload())?;
                self.ops.push(OpPolicy { op: op.kind(), do_policy: p.do_, dump_policy: p.dump });
            }
        }
        if let Some(a) = v.raw_attr(nlctrl::CTRL_ATTR_POLICY) {
            for policy in a.nested() {
                let policy: Attr<'_> = policy?;
                for attr in policy.nested() {
                    let attr = attr?;
                    let p = PolicyAttrs::parse_payload(attr.payload())?;
                    self.attrs.push(PolicyAttr::read(policy.kind(), attr.kind(), &p));
                }
            }
        }
        Ok(())
    }
}

fn ctrl_body(
    cmd: u8,
    body: impl Fn(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError>,
) -> impl Fn(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
    let header = GenlMsgHdr { cmd, version: CTRL_VERSION, reserved: 0 }.to_bytes();
    move |b| {
        b.append(&header)?;
        body(b)
    }
}

/// Looks up the family called `name` (`CTRL_CMD_GETFAMILY`): one reply.
/// An unknown name is an `ENOENT` kernel error ([`Conn::resolve_family`]
/// turns it into [`Error::FamilyNotFound`]).
pub fn family(name: &str) -> impl Request<Output = Family> + '_ {
    let body = ctrl_body(CTRL_CMD_GETFAMILY, move |b| b.attr_str(CTRL_ATTR_FAMILY_NAME, name));
    Get::new(GENL_ID_CTRL, body, |m: Message<'_>| Family::parse(&m))
}

/// Every registered family, in the controller's order (a dump).
pub fn families() -> Families {
    Families { found: Vec::new() }
}

/// The request [`families`] makes.
#[derive(Debug)]
pub struct Families {
    found: Vec<Family>,
}

impl Request for Families {
    type Output = Vec<Family>;

    fn message_type(&self) -> u16 {
        GENL_ID_CTRL
    }

    fn flags(&self) -> Flags {
        Flags::DUMP
    }

    fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        ctrl_body(CTRL_CMD_GETFAMILY, |_| Ok(()))(b)
    }

    fn reply(&mut self, msg: Message<'_>) -> Result<()> {
        self.found.push(Family::parse(&msg)?);
        Ok(())
    }

    fn finish(self) -> Result<Vec<Family>> {
        Ok(self.found)
    }
}

/// The policies of the family called `name`, of all its operations or of
/// operation `op` only (a dump of `CTRL_CMD_GETPOLICY`).
pub fn policy(name: &str, op: Option<u32>) -> PolicyDump<'_> {
    PolicyDump { name, op, policy: Policy::default() }
}

/// The request [`policy`] makes.
#[derive(Debug)]
pub struct PolicyDump<'a> {
    name: &'a str,
    op: Option<u32>,
    policy: Policy,
}

impl Request for PolicyDump<'_> {
    type Output = Policy;

    fn message_type(&self) -> u16 {
        GENL_ID_CTRL
    }

    fn flags(&self) -> Flags {
        Flags::DUMP
    }

    fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        ctrl_body(CTRL_CMD_GETPOLICY, |b| {
            b.attr_str(CTRL_ATTR_FAMILY_NAME, self.name)?;
            match self.op {
                Some(op) => b.attr_u32(nlctrl::CTRL_ATTR_OP, op),
                None => Ok(()),
            }
        })(b)
    }

    fn reply(&mut self, msg: Message<'_>) -> Result<()> {
        self.policy.add(&msg)
    }

    fn finish(self) -> Result<Policy> {
        Ok(self.policy)
    }
}

impl<T: Transport> Conn<T> {
    /// Looks up a generic netlink family by name (`CTRL_CMD_GETFAMILY`).
    /// An unknown family is [`Error::FamilyNotFound`].
    pub fn resolve_family(&mut self, name: &str) -> Result<Family> {
        match self.run(family(name)) {
            Err(e) if e.errno() == Some(libc::ENOENT) => {
                Err(Error::FamilyNotFound { name: name.to_string() })
            }
            Err(Error::NoReply { .. }) => Err(Error::FamilyNotFound { name: name.to_string() }),
            other => other,
        }
    }
}

/// What a controller notification says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CtrlChange {
    /// `CTRL_CMD_NEWFAMILY`: a family was registered.
    NewFamily,
    /// `CTRL_CMD_DELFAMILY`: a family went away.
    DelFamily,
    /// `CTRL_CMD_NEWMCAST_GRP`: a family gained a multicast group.
    NewGroup,
    /// `CTRL_CMD_DELMCAST_GRP`: a family lost a multicast group.
    DelGroup,
    /// Another command, as sent.
    Other(u8),
}

/// A controller notification: what changed, and the family (for group
/// changes, with the one group concerned).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CtrlEvent {
    /// What happened.
    pub change: CtrlChange,
    /// The family, as the notification describes it.
    pub family: Family,
}

/// The controller's `notify` group (id `GENL_ID_CTRL`) as a subscription
/// source: families and groups coming and going.
#[derive(Debug, Clone, Copy, Default)]
pub struct CtrlNotify;

impl crate::sub::Source for CtrlNotify {
    type Event<'a> = CtrlEvent;

    fn protocol(&self) -> crate::Protocol {
        crate::Protocol::GENERIC
    }

    fn groups(&self) -> Vec<u32> {
        vec![u32::from(GENL_ID_CTRL)]
    }

    fn decode<'a>(&self, unit: crate::sub::Unit<'a>) -> Result<CtrlEvent> {
        let crate::sub::Unit::Message(m) = unit else {
            return Err(Error::Wire(WireError::Truncated { need: 16, have: 0 }));
        };
        if u16::from(m.message_type()) != GENL_ID_CTRL {
            return Err(Error::UnexpectedType {
                expected: GENL_ID_CTRL,
                got: m.message_type().into(),
            });
        }
        let v = CtrlAttrs::parse(&m)?;
        let change = match v.header.cmd {
            CTRL_CMD_NEWFAMILY => CtrlChange::NewFamily,
            CTRL_CMD_DELFAMILY => CtrlChange::DelFamily,
            CTRL_CMD_NEWMCAST_GRP => CtrlChange::NewGroup,
            CTRL_CMD_DELMCAST_GRP => CtrlChange::DelGroup,
            other => CtrlChange::Other(other),
        };
        Ok(CtrlEvent { change, family: Family::from_view(&v)? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::socket::{RecvBuf, SocketAddr};
    use crate::sub::{Batch, Counts, Item};

    #[test]
    fn a_delfamily_notice_reads_as_an_event() {
        let mut buf = Vec::new();
        let mut b = MessageBuilder::new(&mut buf, nlkit_wire::Header::new(GENL_ID_CTRL)).unwrap();
        b.append(&GenlMsgHdr { cmd: CTRL_CMD_DELFAMILY, version: 1, reserved: 0 }.to_bytes())
            .unwrap();
        b.attr_u16(CTRL_ATTR_FAMILY_ID, 0x22).unwrap();
        b.attr_str(CTRL_ATTR_FAMILY_NAME, "nlkit_demo").unwrap();
        let _ = b.finish();
        let mut rb = RecvBuf::new();
        rb.set(&buf, SocketAddr::port(0));
        let mut counts = Counts::default();
        let items: Vec<_> = Batch::read(&CtrlNotify, &mut counts, &rb).collect();
        let [Item::Event { event, .. }] = &items[..] else { panic!("{items:?}") };
        assert_eq!(event.change, CtrlChange::DelFamily);
        assert_eq!((event.family.id, event.family.name.as_str()), (0x22, "nlkit_demo"));
    }
}
