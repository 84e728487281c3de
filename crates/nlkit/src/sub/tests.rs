//! The shared reader on datagrams made by hand: sender checks, framing,
//! overruns, malformed messages and the counts.

use super::*;
use crate::error::Error;
use crate::socket::{RecvBuf, SocketAddr};
use nlkit_wire::{Header, MessageBuilder};

/// Events are the messages' first payload byte; only port 0 is admitted
/// when `kernel_only`.
struct Test {
    kernel_only: bool,
    framing: Framing,
}

impl Source for Test {
    type Event<'a> = &'a [u8];
    fn protocol(&self) -> Protocol {
        Protocol::USERSOCK
    }
    fn groups(&self) -> Vec<u32> {
        vec![1]
    }
    fn framing(&self) -> Framing {
        self.framing
    }
    fn admit(&self, sender: &Sender) -> std::result::Result<(), &'static str> {
        match self.kernel_only && sender.port != 0 {
            true => Err("not from the kernel"),
            false => Ok(()),
        }
    }
    fn decode<'a>(&self, unit: Unit<'a>) -> Result<&'a [u8]> {
        match unit {
            Unit::Message(m) if m.payload().is_empty() => Err(Error::NoReply { message_type: 0 }),
            Unit::Message(m) => Ok(m.payload()),
            Unit::Datagram(b) => Ok(b),
        }
    }
}

fn message(kind: u16, payload: &[u8]) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut b = MessageBuilder::new(&mut buf, Header::new(kind)).unwrap();
    b.append(payload).unwrap();
    let _ = b.finish();
    buf.resize(buf.len().next_multiple_of(4), 0);
    buf
}

fn received(bytes: &[u8], port: u32) -> RecvBuf {
    let mut buf = RecvBuf::new();
    buf.set(bytes, SocketAddr::port(port));
    buf
}

fn kinds<E: std::fmt::Debug>(items: impl Iterator<Item = Item<E>>) -> Vec<String> {
    items
        .map(|i| match i {
            Item::Event { event, .. } => format!("event {event:?}"),
            Item::Overrun => "overrun".into(),
            Item::Refused { reason, .. } => format!("refused: {reason}"),
            Item::Malformed(e) => format!("malformed: {e}"),
        })
        .collect()
}

#[test]
fn each_message_is_an_item_and_a_bad_one_does_not_stop_the_rest() {
    let src = Test { kernel_only: false, framing: Framing::Messages };
    let mut counts = Counts::default();
    let bytes =
        [message(20, b"a"), message(21, b""), message(2 /* ERROR */, b"b"), message(4, b"")]
            .concat();
    let buf = received(&bytes, 0);
    let items = kinds(Batch::read(&src, &mut counts, &buf));
    assert_eq!(
        items,
        ["event [97]", "malformed: no reply to request of type 0", "event [98]", "overrun"]
    );
    assert_eq!(counts, Counts { datagrams: 1, events: 2, overruns: 1, refused: 0, malformed: 1 });
}

#[test]
fn broken_framing_is_one_malformed_item_and_the_end() {
    let src = Test { kernel_only: false, framing: Framing::Messages };
    let mut counts = Counts::default();
    let mut bytes = message(20, b"a");
    bytes.extend_from_slice(&[200, 0, 0, 0, 20, 0]); // claims 200 bytes
    let buf = received(&bytes, 0);
    let items = kinds(Batch::read(&src, &mut counts, &buf));
    assert_eq!(items.len(), 2);
    assert!(items[1].starts_with("malformed"), "{items:?}");
}

#[test]
fn a_sender_the_source_does_not_admit_is_refused_unread_and_counted() {
    let src = Test { kernel_only: true, framing: Framing::Datagram };
    let mut counts = Counts::default();
    let buf = received(b"ACTION=add", 4242);
    let items: Vec<_> = Batch::read(&src, &mut counts, &buf).collect();
    assert!(matches!(
        items[..],
        [Item::Refused { sender: Sender { port: 4242, .. }, reason: "not from the kernel" }]
    ));
    let buf = received(b"add@/devices/x", 0);
    let items = kinds(Batch::read(&src, &mut counts, &buf));
    assert_eq!(items, ["event [97, 100, 100, 64, 47, 100, 101, 118, 105, 99, 101, 115, 47, 120]"]);
    assert_eq!((counts.refused, counts.events, counts.datagrams), (1, 1, 2));
}

/// Asks for credentials, admits everyone else.
struct WantsCredentials;

impl Source for WantsCredentials {
    type Event<'a> = ();
    fn protocol(&self) -> Protocol {
        Protocol::KOBJECT_UEVENT
    }
    fn groups(&self) -> Vec<u32> {
        vec![1]
    }
    fn framing(&self) -> Framing {
        Framing::Datagram
    }
    fn credentials(&self) -> bool {
        true
    }
    fn decode<'a>(&self, _: Unit<'a>) -> Result<()> {
        Ok(())
    }
}

#[test]
fn cut_control_messages_are_refused_where_credentials_are_checked() {
    let mut counts = Counts::default();
    let mut buf = received(b"add@/devices/x", 0);
    buf.set_control_truncated();
    let items = kinds(Batch::read(&WantsCredentials, &mut counts, &buf));
    assert_eq!(items, ["refused: control messages truncated (MSG_CTRUNC): credentials unknown"]);
    // A source that does not check senders reads it.
    let src = Test { kernel_only: false, framing: Framing::Datagram };
    assert_eq!(Batch::read(&src, &mut counts, &buf).count(), 1);
}
