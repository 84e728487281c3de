//! Running a spec's operations over an nlkit connection: `do` and `dump`
//! with JSON in and JSON out, and its multicast groups as a stream of
//! decoded notifications.
//!
//! A generic netlink family (genetlink, genetlink-c, genetlink-legacy) is
//! found by name through a [`FamilyCache`], which follows the controller:
//! one lookup for the client's life, redone only when the family is
//! registered again (a module reloaded gets a new id). A `netlink-raw`
//! family (rtnetlink, conntrack, ...) speaks on the protocol number its spec
//! gives, with the operation's number as the message type. Either way the
//! family's fixed header (`fixed-header`: `struct ifinfomsg`, `struct
//! ovs_header`, ...) takes its fields from the request's top level, and a
//! reply's are put there, as the kernel's YNL CLI does.

use crate::model::{Op, Spec};
use crate::{decode, encode, explain, json, Error};
use nlkit::genl::ctrl::Policy;
use nlkit::genl::FamilyCache;
use nlkit::wire::{Flags, Message};
use nlkit::{Conn, Netns, Protocol, RecvBuf, Socket};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// A spec and a connection to its family.
pub struct Client<'s> {
    pub(crate) spec: &'s Spec,
    conn: Conn<Socket>,
    families: Option<FamilyCache>,
    netns: Option<String>,
    /// Check requests against the kernel's policy before sending.
    check_policy: bool,
    /// The policies fetched, by command.
    policies: HashMap<u8, Option<Policy>>,
}

/// What a message of the family was: the operation (by its reply or event
/// number) and its attributes as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The operation, when the message could be matched to one.
    pub op: Option<String>,
    /// The message: fixed-header fields, then attributes.
    pub value: Value,
}

impl<'s> Client<'s> {
    /// A client in the calling thread's network namespace.
    pub fn open(spec: &'s Spec) -> Result<Self, Error> {
        Self::open_in(spec, None)
    }

    /// A client in network namespace `netns` (a name in `/run/netns`).
    pub fn open_in(spec: &'s Spec, netns: Option<&str>) -> Result<Self, Error> {
        // Extended ACKs, capped ACKs, strict checking and a deadline, as
        // every nlkit connection has them.
        let conn = |protocol| match netns {
            Some(n) => Conn::open_in(Netns::Name(n), protocol),
            None => Conn::open(protocol),
        };
        let (conn, families) = if spec.protocol == "netlink-raw" {
            let number = spec.protonum.ok_or_else(|| {
                Error::Unsupported(format!("{}: a netlink-raw spec without protonum", spec.name))
            })?;
            (conn(Protocol(number.into()))?, None)
        } else {
            let families = match netns {
                Some(n) => FamilyCache::open_in(Netns::Name(n))?,
                None => FamilyCache::open()?,
            };
            (conn(Protocol::GENERIC)?, Some(families))
        };
        Ok(Client {
            spec,
            conn,
            families,
            netns: netns.map(str::to_string),
            check_policy: false,
            policies: HashMap::new(),
        })
    }

    /// Checks each request of a generic netlink family against the
    /// kernel's policy for its operation before sending it (fetched once
    /// per operation with `CTRL_CMD_GETPOLICY`; see [`crate::policy`]). A
    /// kernel without policy dumps (before 5.10) is not checked.
    pub fn set_check_policy(&mut self, on: bool) {
        self.check_policy = on;
    }

    /// Checks `attrs`, the attributes of a request of `op` (a dump if
    /// `dump`), against the kernel's policy.
    pub(crate) fn check_policy(&mut self, op: &Op, dump: bool, attrs: &[u8]) -> Result<(), Error> {
        let Ok(cmd) = u8::try_from(op.request_value) else { return Ok(()) };
        if self.families.is_none() || !self.check_policy {
            return Ok(());
        }
        if !self.policies.contains_key(&cmd) {
            let fetched =
                self.conn.run(nlkit::genl::ctrl::policy(&self.spec.name, Some(cmd.into()))).ok();
            self.policies.insert(cmd, fetched);
        }
        let Some(Some(policy)) = self.policies.get(&cmd) else { return Ok(()) };
        let Some(ops) = policy.ops.iter().find(|o| o.op == u16::from(cmd)) else { return Ok(()) };
        let Some(index) = (if dump { ops.dump_policy } else { ops.do_policy }) else {
            return Ok(());
        };
        let set = op.set.as_deref().unwrap_or_default();
        crate::policy::check(policy, index, self.spec, set, attrs).map_err(Error::Request)
    }

    /// How many times the family was looked up from the controller (a
    /// generic netlink family: once for the client's life, unless the
    /// family is registered again); 0 for a netlink-raw family.
    pub fn lookups(&self) -> u64 {
        self.families.as_ref().map_or(0, FamilyCache::lookups)
    }

    /// The connection (to set a timeout, say).
    pub fn conn(&mut self) -> &mut Conn<Socket> {
        &mut self.conn
    }

    pub(crate) fn op(&self, name: &str) -> Result<&'s Op, Error> {
        self.spec.op(name).ok_or_else(|| {
            let names: Vec<&str> = self.spec.ops.iter().map(|o| o.name.as_str()).collect();
            Error::Unknown {
                what: format!(
                    "{} has no operation {name} (it has: {})",
                    self.spec.name,
                    names.join(", ")
                ),
            }
        })
    }

    /// The message type and the header bytes (genetlink's `genlmsghdr`)
    /// requests of `op` start with.
    pub(crate) fn address(&mut self, op: &Op) -> Result<(u16, Vec<u8>), Error> {
        match &mut self.families {
            Some(cache) => {
                let family = cache.get(&mut self.conn, &self.spec.name)?;
                let cmd = u8::try_from(op.request_value).map_err(|_| {
                    Error::Unsupported(format!(
                        "{}: command {} is over 255",
                        op.name, op.request_value
                    ))
                })?;
                Ok((family.id, vec![cmd, family.version as u8, 0, 0]))
            }
            None => {
                let t = u16::try_from(op.request_value).map_err(|_| {
                    Error::Unsupported(format!(
                        "{}: message type {} is over 65535",
                        op.name, op.request_value
                    ))
                })?;
                Ok((t, Vec::new()))
            }
        }
    }

    /// The request body: the fixed header's fields (taken from the top
    /// level of `json`), then the rest as attributes of the operation's
    /// set, each checked against its type there.
    pub(crate) fn body(&self, op: &Op, json: &Map<String, Value>) -> Result<Vec<u8>, Error> {
        let mut rest = json.clone();
        let mut body = Vec::new();
        if let Some(h) = op.fixed_header.as_deref() {
            let layout = self
                .spec
                .structure(h)
                .ok_or_else(|| Error::Unknown { what: format!("no struct {h}") })?;
            let mut fields = Map::new();
            for m in &layout.members {
                if let Some(v) = rest.remove(&m.name) {
                    fields.insert(m.name.clone(), v);
                }
            }
            // Its fields are top-level keys of the request: errors name them so.
            body = encode::structure(self.spec, layout, &fields, "")?;
        }
        if !rest.is_empty() {
            // Any attribute of the operation's set, not only those its
            // request lists: some specs list only a few (nftables lists
            // `name` alone), and the kernel's YNL CLI takes the whole set.
            // A name the set lacks fails in `encode`; the kernel's policy
            // (`check_policy`) tells what the operation reads.
            let set = op.set.as_deref().ok_or_else(|| Error::Unknown {
                what: format!("{} has no attribute set", op.name),
            })?;
            encode::attrs(self.spec, set, &rest, &mut body)?;
        }
        Ok(body)
    }

    /// Runs `op`'s `do` with the request `json`; returns its replies (none
    /// when the kernel only acknowledges).
    pub fn do_(&mut self, op: &str, json: &Map<String, Value>) -> Result<Vec<Value>, Error> {
        self.do_with(op, json, Flags::empty())
    }

    /// [`do_`](Self::do_) with more request flags (`CREATE`, `EXCL`,
    /// `REPLACE`, `APPEND` for the families that read them).
    pub fn do_with(
        &mut self,
        op: &str,
        json: &Map<String, Value>,
        flags: Flags,
    ) -> Result<Vec<Value>, Error> {
        let op = self.op(op)?;
        if op.do_.is_none() {
            return Err(Error::Unsupported(format!("{} has no do", op.name)));
        }
        let mut out = Vec::new();
        self.run(op, json, Flags::ACK | flags, |r| out.push(r.to_json()))?;
        Ok(out)
    }

    /// Runs `op`'s `dump` with the request `json`; hands each reply to
    /// `each` as JSON.
    pub fn dump_each(
        &mut self,
        op: &str,
        json: &Map<String, Value>,
        mut each: impl FnMut(Value),
    ) -> Result<(), Error> {
        self.dump_replies(op, json, |r| each(r.to_json()))
    }

    /// Runs `op`'s `dump` and hands each reply to `each` undecoded, to
    /// walk ([`Reply::walk`]) or turn into JSON as it needs.
    pub fn dump_replies(
        &mut self,
        op: &str,
        json: &Map<String, Value>,
        each: impl FnMut(&Reply<'_>),
    ) -> Result<(), Error> {
        let op = self.op(op)?;
        if op.dump.is_none() {
            return Err(Error::Unsupported(format!("{} has no dump", op.name)));
        }
        self.run(op, json, Flags::DUMP, each)
    }

    /// [`dump_each`](Self::dump_each), collected.
    pub fn dump(&mut self, op: &str, json: &Map<String, Value>) -> Result<Vec<Value>, Error> {
        let mut out = Vec::new();
        self.dump_each(op, json, |v| out.push(v))?;
        Ok(out)
    }

    fn run(
        &mut self,
        op: &'s Op,
        json: &Map<String, Value>,
        flags: Flags,
        mut each: impl FnMut(&Reply<'_>),
    ) -> Result<(), Error> {
        let body = self.body(op, json)?;
        let (message_type, head) = self.address(op)?;
        let spec = self.spec;
        let fixed =
            op.fixed_header.as_deref().and_then(|h| spec.structure(h)).map_or(0, |l| l.size());
        self.check_policy(op, flags.contains(Flags::DUMP), body.get(fixed..).unwrap_or_default())?;
        // nlmsghdr, genlmsghdr, the fixed header: then the attributes.
        let attrs_at = 16 + head.len() + fixed;
        let sent = self.conn.request(
            message_type,
            flags,
            |b| {
                b.append(&head)?;
                b.append(&body)
            },
            |m| {
                each(&Reply::new(spec, Some(op), &m, head.len()));
                Ok(())
            },
        );
        match sent {
            Err(nlkit::Error::Kernel(k)) if k.offset.is_some() || k.missing_type.is_some() => {
                let attrs = self.conn.last_request().get(attrs_at..).unwrap_or_default();
                let set = op.set.as_deref().unwrap_or_default();
                let located = explain::locate(spec, set, attrs, attrs_at, &k);
                Err(Error::Rejected { error: nlkit::Error::Kernel(k), located: Box::new(located) })
            }
            other => Ok(other?),
        }
    }

    /// Joins multicast group `group` of the family and hands each message
    /// on it to `each` until `each` says stop, `count` messages came, or
    /// `until` passed. Returns how many came.
    pub fn subscribe(
        &mut self,
        group: &str,
        count: Option<usize>,
        until: Option<Instant>,
        mut each: impl FnMut(Decoded) -> bool,
    ) -> Result<usize, Error> {
        let spec = self.spec;
        let names = || spec.groups.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ");
        let Some((_, raw_id)) = spec.groups.iter().find(|(n, _)| n == group) else {
            return Err(Error::Unknown {
                what: format!("{} has no multicast group {group} (it has: {})", spec.name, names()),
            });
        };
        let (protocol, id, head) = match &mut self.families {
            Some(cache) => {
                let family = cache.get(&mut self.conn, &spec.name)?;
                let id = family.group(group).ok_or_else(|| Error::Unknown {
                    what: format!("the kernel's {} has no group {group}", spec.name),
                })?;
                (Protocol::GENERIC, id, 4)
            }
            None => {
                let id = raw_id.ok_or_else(|| {
                    Error::Unsupported(format!("group {group} has no number in the spec"))
                })?;
                (Protocol(u32::from(spec.protonum.unwrap_or(0))), id, 0)
            }
        };
        let socket = match &self.netns {
            Some(n) => Socket::open_in(Netns::Name(n), protocol)?,
            None => Socket::open(protocol)?,
        };
        socket.add_membership(id)?;
        let mut buf = RecvBuf::new();
        let mut seen = 0;
        loop {
            if count.is_some_and(|c| seen >= c) {
                return Ok(seen);
            }
            let wait = match until {
                Some(t) => match t.checked_duration_since(Instant::now()) {
                    Some(d) if !d.is_zero() => Some(d),
                    _ => return Ok(seen),
                },
                None => None,
            };
            socket.set_read_timeout(wait.map(|d| d.max(Duration::from_millis(1))))?;
            match socket.recv(&mut buf) {
                Ok(_) => {}
                Err(nlkit::Error::Timeout) => return Ok(seen),
                Err(e) => return Err(e.into()),
            }
            // Only the kernel (port 0) speaks on a family's groups.
            if buf.from().port != 0 {
                continue;
            }
            for m in buf.messages() {
                let Ok(m) = m else { break };
                seen += 1;
                if !each(Reply::new(spec, None, &m, head).decoded()) {
                    return Ok(seen);
                }
            }
        }
    }
}

/// A visitor of a fixed header that passes on every member but those an
/// attribute present in the message shares a name with.
struct Skip<'v, V> {
    v: &'v mut V,
    /// The op's shadowed members ([`Op::shadowed`]).
    shadowed: &'v [(String, u16)],
    /// Bit `i`: `shadowed[i]`'s attribute is in the message.
    present: u64,
}

impl<'a, V: decode::Visitor<'a>> decode::Visitor<'a> for Skip<'_, V> {
    fn item(&mut self, name: &'a str, multi: bool, item: decode::Item<'a>) {
        let at = self.shadowed.iter().position(|(n, _)| n == name);
        let skipped = at.is_some_and(|i| i < 64 && self.present & (1 << i) != 0);
        if !skipped {
            self.v.item(name, multi, item);
        }
    }

    fn open(&mut self, name: &'a str, multi: bool, kind: decode::Open) {
        self.v.open(name, multi, kind);
    }

    fn close(&mut self) {
        self.v.close();
    }
}

/// A message of the family, as a walk sees it: its operation (the one
/// that asked, or for a notification the one whose reply or event number
/// it carries), the fixed header's bytes and the attributes' bytes.
#[derive(Debug, Clone, Copy)]
pub struct Reply<'a> {
    /// The spec the message is read by.
    pub spec: &'a Spec,
    /// Its operation, if it could be matched to one.
    pub op: Option<&'a Op>,
    /// The fixed header's bytes (empty without one).
    pub header: &'a [u8],
    /// The attributes' bytes.
    pub attrs: &'a [u8],
}

impl<'a> Reply<'a> {
    /// Splits `m` (after `head` bytes of `genlmsghdr`, if any).
    pub fn new(spec: &'a Spec, op: Option<&'a Op>, m: &Message<'a>, head: usize) -> Reply<'a> {
        let p = m.payload();
        let cmd = if head == 4 {
            p.first().map(|&c| u32::from(c))
        } else {
            Some(u32::from(u16::from(m.message_type())))
        };
        let op = op.or_else(|| cmd.and_then(|c| spec.op_by_reply(c)));
        let at = head.min(p.len());
        let size = op
            .and_then(|o| o.fixed_header.as_deref())
            .and_then(|h| spec.structure(h))
            .map_or(0, |l| l.size());
        let end = (at + size).min(p.len());
        Reply { spec, op, header: &p[at..end], attrs: &p[end..] }
    }

    /// Walks the fixed header's members, then the attributes. A member an
    /// attribute present shares a name with is left out ([`Op::shadowed`]),
    /// so each name comes once.
    pub fn walk(&self, v: &mut impl decode::Visitor<'a>) {
        if let Some(layout) =
            self.op.and_then(|o| o.fixed_header.as_deref()).and_then(|h| self.spec.structure(h))
        {
            // One pass over the attributes marks which shadowed members'
            // attributes are there (a spec has a handful of such members).
            let shadowed = self.op.map_or(&[][..], |o| &o.shadowed[..]);
            let mut present = 0u64;
            if !shadowed.is_empty() {
                for a in nlkit::wire::Attrs::new(self.attrs).flatten() {
                    for (i, _) in shadowed.iter().enumerate().filter(|(_, (_, k))| *k == a.kind()) {
                        present |= 1u64.checked_shl(i as u32).unwrap_or(0);
                    }
                }
            }
            match present {
                0 => decode::structure(self.spec, layout, self.header, v),
                _ => {
                    let mut skip = Skip { v, shadowed, present };
                    decode::structure(self.spec, layout, self.header, &mut skip)
                }
            }
        }
        match self.op.and_then(|o| o.set.as_deref()) {
            Some(set) => decode::walk(self.spec, set, self.attrs, v),
            None => v.item("raw", false, decode::Item::Bytes(self.attrs, None)),
        }
    }

    /// The message as one JSON object: the fixed header's fields, then the
    /// attributes.
    pub fn to_json(&self) -> Value {
        let mut j = json::Json::default();
        self.walk(&mut j);
        j.finish()
    }

    /// [`to_json`](Self::to_json) as compact text, written straight from
    /// the walk.
    pub fn to_text(&self) -> String {
        let mut j = json::JsonText::new();
        self.walk(&mut j);
        j.finish()
    }

    /// The message as a [`Decoded`]: its operation's name and its JSON.
    pub fn decoded(&self) -> Decoded {
        Decoded { op: self.op.map(|o| o.name.clone()), value: self.to_json() }
    }
}
