//! The channels `nlkit monitor` merges with rtnetlink's events: kernel
//! uevents, process events (proc connector), conntrack, xfrm and the
//! generic netlink controller. Each is a subscription of its own socket;
//! [`Open::drain`] reads what one has queued without waiting, so the
//! monitor's one `poll` over all of them keeps no source behind another.
//! Each event becomes a [`Line`]: the text its own command prints (on one
//! line, except xfrm's blocks, as `ip xfrm monitor`) and its JSON keys.
//! Losses (ENOBUFS), refused senders and messages that do not read are
//! said per channel, never dropped silently.

use crate::names::LinkNames;
use anyhow::{bail, Result};
use nlkit::connector::{ProcEvents, SeqGaps};
use nlkit::genl::ctrl::CtrlNotify;
use nlkit::netfilter::conntrack;
use nlkit::sub::{Item, Source, Subscription};
use nlkit::uevent::KernelUevents;
use nlkit::Netns;
use serde_json::{Map, Value};
use std::os::fd::{AsFd, BorrowedFd};

/// A channel `nlkit monitor` can merge, by the word that names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// The kernel's uevents (`NETLINK_KOBJECT_UEVENT`, group 1).
    Uevent,
    /// Process events (`NETLINK_CONNECTOR`, the proc connector).
    Proc,
    /// Connection tracking events (`NETLINK_NETFILTER`).
    Conntrack,
    /// IPsec SA and policy events (`NETLINK_XFRM`).
    Xfrm,
    /// Generic netlink families and groups coming and going.
    Genl,
}

impl Channel {
    /// Every channel, in the order `all` opens them.
    pub const ALL: [Channel; 5] =
        [Channel::Uevent, Channel::Proc, Channel::Conntrack, Channel::Xfrm, Channel::Genl];

    /// The word that names it, and its `object` in JSON.
    pub fn word(self) -> &'static str {
        match self {
            Channel::Uevent => "uevent",
            Channel::Proc => "proc",
            Channel::Conntrack => "conntrack",
            Channel::Xfrm => "xfrm",
            Channel::Genl => "genl",
        }
    }

    /// What `label` puts in front of its events.
    pub fn label(self) -> &'static str {
        match self {
            Channel::Uevent => "[UEVENT]",
            Channel::Proc => "[PROC]",
            Channel::Conntrack => "[CONNTRACK]",
            Channel::Xfrm => "[XFRM]",
            Channel::Genl => "[GENL]",
        }
    }
}

/// One event of a channel: its text (no final newline) and JSON keys; or
/// something to say about the channel (on stderr, and in JSON a line).
pub enum Line {
    Event { text: String, json: Map<String, Value> },
    Note { text: String, json: Map<String, Value> },
}

fn note(text: String, key: &str, value: Value) -> Line {
    let mut json = Map::new();
    json.insert(key.into(), value);
    Line::Note { text, json }
}

/// An open channel.
pub enum Open {
    Uevent(Subscription<KernelUevents>),
    /// With the sequence gaps that count lost events per CPU.
    Proc(Subscription<ProcEvents>, SeqGaps),
    Conntrack(Subscription<conntrack::Events>),
    Xfrm(Subscription<nlkit::xfrm::Events>),
    Genl(Subscription<CtrlNotify>),
}

fn subscribe<S: Source>(netns: Option<&str>, source: S) -> Result<Subscription<S>> {
    let sub = match netns {
        Some(name) => Subscription::open_in(Netns::Name(name), source)?,
        None => Subscription::open(source)?,
    };
    // Bigger than the default queue, as each command's own monitor.
    let _ = sub.socket().set_recv_buffer_size(4 << 20);
    Ok(sub)
}

impl Open {
    /// Opens `channel` in `netns`. The proc connector exists only in the
    /// initial namespaces: named elsewhere it is an error, under `all`
    /// (`required` false) it is left out with `Ok(None)`.
    pub fn new(channel: Channel, netns: Option<&str>, required: bool) -> Result<Option<Open>> {
        Ok(Some(match channel {
            Channel::Uevent => Open::Uevent(subscribe(netns, KernelUevents)?),
            Channel::Proc => {
                if netns.is_some() || !crate::connector::in_initial_namespaces() {
                    if required {
                        bail!(
                            "proc: the proc connector exists only in the initial network, pid \
                             and user namespaces"
                        );
                    }
                    return Ok(None);
                }
                Open::Proc(subscribe(None, ProcEvents::default())?, SeqGaps::default())
            }
            Channel::Conntrack => Open::Conntrack(subscribe(netns, conntrack::Events::default())?),
            Channel::Xfrm => Open::Xfrm(subscribe(netns, nlkit::xfrm::Events::default())?),
            Channel::Genl => Open::Genl(subscribe(netns, CtrlNotify)?),
        }))
    }

    pub fn channel(&self) -> Channel {
        match self {
            Open::Uevent(_) => Channel::Uevent,
            Open::Proc(..) => Channel::Proc,
            Open::Conntrack(_) => Channel::Conntrack,
            Open::Xfrm(_) => Channel::Xfrm,
            Open::Genl(_) => Channel::Genl,
        }
    }

    /// Reads everything queued, without waiting: each event, loss and
    /// refusal as a [`Line`] to `each`.
    pub fn drain(
        &mut self,
        names: &LinkNames,
        each: &mut dyn FnMut(Line) -> Result<()>,
    ) -> Result<()> {
        let word = self.channel().word();
        /// Every datagram queued on `$sub`; events through `$event`.
        macro_rules! drain {
            ($sub:expr, |$e:ident| $event:expr) => {
                while let Some(batch) = $sub.try_recv()? {
                    for item in batch {
                        match item {
                            Item::Event { event: $e, .. } => {
                                if let Some(line) = $event {
                                    each(line)?;
                                }
                            }
                            Item::Overrun => each(note(
                                format!("{word}: events lost (ENOBUFS)"),
                                "overrun",
                                true.into(),
                            ))?,
                            Item::Refused { sender, reason } => each(note(
                                format!(
                                    "{word}: refused a datagram from port {}: {reason}",
                                    sender.port
                                ),
                                "refused",
                                sender.port.into(),
                            ))?,
                            Item::Malformed(e) => each(note(
                                format!("{word}: a message did not read: {e}"),
                                "malformed",
                                e.to_string().into(),
                            ))?,
                        }
                    }
                }
            };
        }
        match self {
            Open::Uevent(sub) => drain!(sub, |e| Some(Line::Event {
                text: crate::uevent::event_line("KERNEL", &e),
                json: crate::uevent::event_json("KERNEL", &e),
            })),
            Open::Proc(sub, gaps) => drain!(sub, |p| {
                let lost = gaps.see(&p);
                if lost > 0 {
                    let text = format!("proc: {lost} events lost on CPU {}", p.cpu);
                    each(note(text, "lost", lost.into()))?;
                }
                crate::connector::describe(&p).map(|(name, text, json)| Line::Event {
                    text: format!("{name:<8} {text}"),
                    json,
                })
            }),
            Open::Conntrack(sub) => drain!(sub, |e| match e {
                conntrack::Event::Conn(change, entry) => {
                    let text = crate::conntrack::event_text(change, &entry);
                    let text = String::from_utf8_lossy(&text).trim().to_string();
                    Some(Line::Event {
                        text,
                        json: object(crate::conntrack::event_json(change, &entry)),
                    })
                }
                conntrack::Event::Other(_) => None,
            }),
            Open::Xfrm(sub) => drain!(sub, |e| {
                let mut text = String::new();
                crate::xfrm::event_text(&mut text, &e, names);
                let text = text.trim_end().to_string();
                Some(Line::Event { text, json: object(crate::xfrm::json::event(&e)) })
            }),
            Open::Genl(sub) => drain!(sub, |e| Some(Line::Event {
                text: crate::genl::ctrl_event_text(&e),
                json: object(crate::genl::ctrl_event_json(&e)),
            })),
        }
        Ok(())
    }
}

impl AsFd for Open {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match self {
            Open::Uevent(s) => s.as_fd(),
            Open::Proc(s, _) => s.as_fd(),
            Open::Conntrack(s) => s.as_fd(),
            Open::Xfrm(s) => s.as_fd(),
            Open::Genl(s) => s.as_fd(),
        }
    }
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        other => Map::from_iter([("value".to_string(), other)]),
    }
}
