//! What `nlkit monitor` does when notifications are lost: the links,
//! addresses and neighbours it watches are kept in an
//! [`nlkit::rtnl::mirror::Mirror`] (loaded when the monitor starts, kept
//! in step with every notification it prints), and on an overrun the
//! notifications still queued are dropped (they are older than the dump
//! that follows), the tables are dumped again, and what changed while
//! notifications were lost is printed as the notifications would have
//! printed it: new and changed objects, `Deleted` ones. Routes, rules and
//! netconf notices are not re-read (a million routes is not a copy to
//! hold); the overrun is said for them as before.

use super::Ctx;
use anyhow::Result;
use nlkit::rtnl::events::{Event, Rtnl, Watch};
use nlkit::rtnl::mirror::{Change, Mirror};
use nlkit::sub::{Source, Subscription, Unit};
use nlkit::wire::Message;
use nlkit::{Conn, Netns, Protocol};

/// rtnetlink's notifications with each message kept beside its event, so
/// the mirror sees what was printed.
pub struct WithMessage(pub Rtnl);

impl Source for WithMessage {
    type Event<'a> = (Message<'a>, Event<'a>);

    fn protocol(&self) -> Protocol {
        self.0.protocol()
    }

    fn groups(&self) -> Vec<u32> {
        self.0.groups()
    }

    fn decode<'a>(&self, unit: Unit<'a>) -> nlkit::Result<(Message<'a>, Event<'a>)> {
        match unit {
            Unit::Message(m) => Ok((m, Event::parse(&m)?)),
            Unit::Datagram(b) => {
                Err(nlkit::Error::Wire(nlkit::wire::Error::Truncated { need: 16, have: b.len() }))
            }
        }
    }
}

/// The monitor's copy of what it watches, and the connection that
/// re-reads it.
pub struct Resync {
    mirror: Mirror,
    conn: Conn,
    kinds: Vec<Watch>,
}

impl Resync {
    /// A copy of the tables behind `kinds` (`None` when none of links,
    /// addresses and neighbours is watched).
    pub fn load(netns: Option<&str>, kinds: &[Watch]) -> Result<Option<Resync>> {
        let kept = [Watch::Link, Watch::Addr, Watch::Neigh];
        let kinds: Vec<Watch> = kinds.iter().copied().filter(|k| kept.contains(k)).collect();
        if kinds.is_empty() {
            return Ok(None);
        }
        let mut conn = match netns {
            Some(name) => Conn::open_in(Netns::Name(name), Protocol::ROUTE)?,
            None => Conn::open(Protocol::ROUTE)?,
        };
        let mirror = Mirror::load(&mut conn)?;
        Ok(Some(Resync { mirror, conn, kinds }))
    }

    /// Keeps the copy in step with a notification that was printed.
    pub fn apply(&mut self, m: &Message<'_>) {
        let _ = self.mirror.apply(m);
    }

    /// Whether a resync met dumps that kept changing: do another once
    /// the notifications go quiet.
    pub fn settled(&self) -> bool {
        self.mirror.settled()
    }

    /// After an overrun: drops what is queued, re-reads the tables, and
    /// returns the messages of what changed, of the kinds watched, to
    /// print as notifications.
    pub fn recover(&mut self, sub: &mut Subscription<WithMessage>) -> Result<Vec<Vec<u8>>> {
        while sub.try_recv()?.is_some() {}
        let changes = self.mirror.resync(&mut self.conn)?;
        let watched = |ty: u16| {
            use nlkit::rtnl::uapi::*;
            let kind = match ty {
                RTM_NEWLINK | RTM_DELLINK => Watch::Link,
                RTM_NEWADDR | RTM_DELADDR => Watch::Addr,
                _ => Watch::Neigh,
            };
            self.kinds.contains(&kind)
        };
        Ok(changes
            .into_iter()
            .map(|c| match c {
                Change::New(b) | Change::Changed(b) | Change::Deleted(b) => b,
            })
            .filter(|b| b.len() >= 6 && watched(u16::from_ne_bytes([b[4], b[5]])))
            .collect())
    }
}

/// Says on stderr (and in the JSON stream) how many changes a resync
/// found.
pub fn said(ctx: &mut Ctx, changes: usize) -> Result<()> {
    crate::report::note!("resynced after lost notifications: {changes} changes");
    if ctx.out.json() {
        let mut m = serde_json::Map::new();
        m.insert("resync".into(), serde_json::json!({ "changes": changes }));
        ctx.out.json_line(m)?;
    }
    Ok(())
}
