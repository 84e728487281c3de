//! The audit event stream: records from the read-only multicast group
//! ([`AuditLog`]) and their grouping into events ([`Events`]).
//!
//! Each record is one datagram: a netlink header, then text that starts
//! `audit(SECONDS.MILLIS:SERIAL): `. The kernel's unicast to the audit
//! daemon sets `nlmsg_len` to the text's length without the header (the
//! daemon expects that); its multicast copy is right. The record is read
//! from the datagram's length, whatever `nlmsg_len` says, so both read.
//!
//! An event is the records sharing a serial. Syscall events end with an
//! `AUDIT_EOE` record, which completes them; other events have no end
//! marker, so [`Events`] completes them on [`Events::flush`] (the caller's
//! quiet period) or when more than [`MAX_OPEN`] events are open (oldest
//! first), which bounds its memory. Serials the kernel numbered and this
//! reader never saw (lost, or never sent to the group) are counted.

use super::{AUDIT_EOE, AUDIT_NLGRP_READLOG};
use crate::error::{Error, Result};
use crate::sub::{Framing, Sender, Source, Unit};
use std::collections::BTreeMap;

/// Events open at most before the oldest is completed.
pub const MAX_OPEN: usize = 64;
/// Records in one event at most (more are counted, not kept).
pub const MAX_RECORDS: usize = 256;

/// One record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Its type (`AUDIT_SYSCALL`, `AUDIT_PATH`, ...).
    pub kind: u16,
    /// The time stamp: seconds and milliseconds since the epoch.
    pub time: (u64, u32),
    /// The event's serial number.
    pub serial: u64,
    /// The text after `audit(...): `, without a trailing NUL.
    pub text: String,
}

fn bad(why: &'static str) -> Error {
    Error::Malformed { what: "audit record", why }
}

impl Record {
    /// Reads one record datagram (a netlink header, then the text).
    pub fn parse(datagram: &[u8]) -> Result<Record> {
        let header = datagram.get(..16).ok_or(bad("shorter than a netlink header"))?;
        let kind = u16::from_ne_bytes([header[4], header[5]]);
        let body = &datagram[16..];
        let body = match body.iter().position(|&b| b == 0) {
            Some(end) => &body[..end],
            None => body,
        };
        let text = std::str::from_utf8(body).map_err(|_| bad("text is not UTF-8"))?;
        let rest = text.strip_prefix("audit(").ok_or(bad("no audit( stamp"))?;
        let (stamp, text) = rest.split_once("): ").ok_or(bad("no ): after the stamp"))?;
        let (time, serial) = stamp.split_once(':').ok_or(bad("no serial in the stamp"))?;
        let (secs, millis) = time.split_once('.').ok_or(bad("no milliseconds in the stamp"))?;
        let number = |s: &str| s.parse::<u64>().map_err(|_| bad("a stamp that is not a number"));
        let millis = u32::try_from(number(millis)?).map_err(|_| bad("milliseconds too large"))?;
        Ok(Record {
            kind,
            time: (number(secs)?, millis),
            serial: number(serial)?,
            text: text.to_string(),
        })
    }
}

/// The read-only multicast group (`AUDIT_NLGRP_READLOG`) as a source:
/// records from the kernel (port 0) only.
#[derive(Debug, Clone, Copy, Default)]
pub struct AuditLog;

impl Source for AuditLog {
    type Event<'a> = Record;

    fn protocol(&self) -> crate::Protocol {
        crate::Protocol::AUDIT
    }

    fn groups(&self) -> Vec<u32> {
        vec![AUDIT_NLGRP_READLOG]
    }

    fn framing(&self) -> Framing {
        Framing::Datagram
    }

    fn admit(&self, sender: &Sender) -> std::result::Result<(), &'static str> {
        match sender.port {
            0 => Ok(()),
            _ => Err("not from the kernel (port id is not 0)"),
        }
    }

    fn decode<'a>(&self, unit: Unit<'a>) -> Result<Record> {
        match unit {
            Unit::Datagram(d) => Record::parse(d),
            Unit::Message(m) => Record::parse(m.bytes()),
        }
    }
}

/// One event: its serial and records (in arrival order, without the
/// `AUDIT_EOE`), and whether an `AUDIT_EOE` ended it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The serial its records share.
    pub serial: u64,
    /// The records.
    pub records: Vec<Record>,
    /// Records beyond [`MAX_RECORDS`], not kept.
    pub dropped: usize,
    /// Ended by `AUDIT_EOE` (a syscall event), not by a flush.
    pub ended: bool,
}

/// Groups records into events, in bounded memory.
#[derive(Debug, Default)]
pub struct Events {
    open: BTreeMap<u64, Event>,
    highest: Option<u64>,
    unseen: u64,
}

impl Events {
    /// Takes one record; returns the events it completed.
    pub fn push(&mut self, record: Record) -> Vec<Event> {
        let serial = record.serial;
        match self.highest {
            Some(h) if serial > h => {
                self.unseen += serial - h - 1;
                self.highest = Some(serial);
            }
            None => self.highest = Some(serial),
            _ => {}
        }
        if record.kind == AUDIT_EOE {
            let mut done = self.open.remove(&serial).unwrap_or(Event {
                serial,
                records: vec![],
                dropped: 0,
                ended: true,
            });
            done.ended = true;
            return vec![done];
        }
        let e = self.open.entry(serial).or_insert_with(|| Event {
            serial,
            records: vec![],
            dropped: 0,
            ended: false,
        });
        match e.records.len() < MAX_RECORDS {
            true => e.records.push(record),
            false => e.dropped += 1,
        }
        let mut done = Vec::new();
        while self.open.len() > MAX_OPEN {
            if let Some((_, oldest)) = self.open.pop_first() {
                done.push(oldest);
            }
        }
        done
    }

    /// Completes every open event (oldest first): for events that have
    /// no `AUDIT_EOE`, after the caller's quiet period.
    pub fn flush(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.open).into_values().collect()
    }

    /// Serials numbered between those seen and never seen here.
    pub fn unseen(&self) -> u64 {
        self.unseen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn datagram(kind: u16, len: u32, text: &str) -> Vec<u8> {
        let mut d = Vec::new();
        d.extend_from_slice(&len.to_ne_bytes());
        d.extend_from_slice(&kind.to_ne_bytes());
        d.extend_from_slice(&[0; 10]);
        d.extend_from_slice(text.as_bytes());
        d
    }

    #[test]
    fn records_read_whatever_nlmsg_len_says() {
        let text = "audit(1733357000.123:456): op=set audit_enabled=1 old=0 res=1";
        // The daemon's length (the text only) and the multicast's (all).
        for len in [text.len() as u32, text.len() as u32 + 16] {
            let r = Record::parse(&datagram(1305, len, text)).unwrap();
            assert_eq!((r.kind, r.time, r.serial), (1305, (1_733_357_000, 123), 456));
            assert_eq!(r.text, "op=set audit_enabled=1 old=0 res=1");
        }
        let nul = format!("{text}\0\0");
        assert_eq!(Record::parse(&datagram(1305, 0, &nul)).unwrap().serial, 456);
        for bad in ["", "audit(1.2:x): y", "audit(12:3): y", "nope", "audit(1.2:3) y"] {
            assert!(Record::parse(&datagram(1305, 0, bad)).is_err(), "{bad}");
        }
        assert!(Record::parse(&[0; 10]).is_err());
    }

    #[test]
    fn records_group_by_serial_until_eoe() {
        let r = |kind: u16, serial: u64| Record { kind, time: (1, 0), serial, text: String::new() };
        let mut g = Events::default();
        assert!(g.push(r(1300, 10)).is_empty());
        assert!(g.push(r(1302, 10)).is_empty());
        // Another CPU's event interleaves; serial 12 skips 11.
        assert!(g.push(r(1305, 12)).is_empty());
        let done = g.push(r(AUDIT_EOE, 10));
        assert_eq!(done.len(), 1);
        assert_eq!((done[0].serial, done[0].records.len(), done[0].ended), (10, 2, true));
        let rest = g.flush();
        assert_eq!((rest.len(), rest[0].serial, rest[0].ended), (1, 12, false));
        assert_eq!(g.unseen(), 1);
    }

    #[test]
    fn open_events_and_records_are_bounded() {
        let r = |serial: u64| Record { kind: 1100, time: (1, 0), serial, text: String::new() };
        let mut g = Events::default();
        let mut done = 0;
        for s in 0..1000 {
            done += g.push(r(s)).len();
        }
        assert_eq!(done, 1000 - MAX_OPEN);
        for _ in 0..MAX_RECORDS + 5 {
            g.push(r(5000));
        }
        let last = g.flush().pop().unwrap();
        assert_eq!((last.records.len(), last.dropped), (MAX_RECORDS, 5));
    }
}
