//! Property tests: emit-then-parse gives back the value, parse-then-emit
//! gives back the bytes (unknown attributes and TLVs included), and no input
//! makes a parser panic.

use nlkit_wire::ack::{Ack, Done, ExtAck};
use nlkit_wire::genl::GenlBuffer;
use nlkit_wire::{Attr, Attrs, Flags, Header, MessageBuilder, MessageType, Messages};
use proptest::prelude::*;

/// An attribute tree: leaves with any raw type and payload, or nests.
#[derive(Debug, Clone)]
enum Tree {
    Leaf(u16, Vec<u8>),
    Nest(u16, Vec<Tree>),
}

fn tree() -> impl Strategy<Value = Tree> {
    let leaf = (any::<u16>().prop_map(|t| t & 0x7fff), prop::collection::vec(any::<u8>(), 0..24))
        .prop_map(|(t, p)| Tree::Leaf(t, p));
    leaf.prop_recursive(3, 24, 4, |inner| {
        (1u16..0x3fff, prop::collection::vec(inner, 0..4)).prop_map(|(t, c)| Tree::Nest(t, c))
    })
}

fn header() -> impl Strategy<Value = Header> {
    (any::<u16>(), any::<u16>(), any::<u32>(), any::<u32>()).prop_map(|(t, f, s, p)| Header {
        message_type: MessageType::from(t),
        flags: Flags::from_bits(f),
        sequence: s,
        port: p,
    })
}

fn emit(b: &mut MessageBuilder<'_, Vec<u8>>, t: &Tree) {
    match t {
        Tree::Leaf(ty, p) => b.attr(*ty, p).unwrap(),
        Tree::Nest(ty, children) => {
            let n = b.nest(*ty).unwrap();
            children.iter().for_each(|c| emit(b, c));
            b.nest_end(n).unwrap();
        }
    }
}

/// Checks `attr` against `t`, descending into nests.
fn same(attr: &Attr<'_>, t: &Tree) -> bool {
    match t {
        Tree::Leaf(ty, p) => attr.raw_type() == *ty && attr.payload() == &p[..],
        Tree::Nest(ty, children) => {
            let inner: Vec<_> = attr.nested().collect::<Result<_, _>>().unwrap();
            attr.kind() == *ty
                && attr.is_nested()
                && inner.len() == children.len()
                && inner.iter().zip(children).all(|(a, c)| same(a, c))
        }
    }
}

fn build(h: Header, family: &[u8], trees: &[Tree]) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut b = MessageBuilder::new(&mut buf, h).unwrap();
    b.append_zeroed(family.len()).unwrap().copy_from_slice(family);
    trees.iter().for_each(|t| emit(&mut b, t));
    let _ = b.finish();
    buf
}

proptest! {
    #[test]
    fn emit_then_parse_gives_back_the_value(
        h in header(),
        family in prop::collection::vec(any::<u8>(), 0..3).prop_map(|v| { let mut v = v; v.resize(v.len() * 4, 0); v }),
        trees in prop::collection::vec(tree(), 0..6),
    ) {
        let buf = build(h, &family, &trees);
        let mut it = Messages::new(&buf);
        let msg = it.next().unwrap().unwrap();
        prop_assert!(it.next().is_none());
        prop_assert_eq!(msg.header(), h);
        prop_assert_eq!(msg.length() as usize, buf.len());
        let attrs: Vec<_> = Attrs::new(&msg.payload()[family.len()..]).collect::<Result<_, _>>().unwrap();
        prop_assert_eq!(attrs.len(), trees.len());
        for (a, t) in attrs.iter().zip(&trees) {
            prop_assert!(same(a, t));
        }
    }

    #[test]
    fn parse_then_emit_gives_back_the_bytes(h in header(), trees in prop::collection::vec(tree(), 0..6)) {
        let original = build(h, &[], &trees);
        let msg = Messages::new(&original).next().unwrap().unwrap();
        // Re-emit every attribute raw, as a program that knows none of them would.
        let mut again = Vec::new();
        let mut b = MessageBuilder::new(&mut again, msg.header()).unwrap();
        for a in Attrs::new(msg.payload()) {
            let a = a.unwrap();
            b.attr(a.raw_type(), a.payload()).unwrap();
        }
        let _ = b.finish();
        prop_assert_eq!(again, original);
    }

    #[test]
    fn acks_round_trip_with_unknown_tlvs(
        error in any::<i32>(),
        request in header(),
        request_payload in prop::option::of(prop::collection::vec(any::<u8>(), 0..40)),
        msg in prop::option::of("[a-zA-Z ]{1,30}"),
        unknown in prop::collection::vec((7u16..0x3fff, prop::collection::vec(any::<u8>(), 0..12)), 0..4),
        seq in any::<u32>(),
    ) {
        // A success ACK never carries the request.
        let request_payload = if error == 0 { None } else { request_payload };
        let mut tlv_buf = Vec::new();
        let mut b = MessageBuilder::new(&mut tlv_buf, Header::new(0u16)).unwrap();
        if let Some(m) = &msg { b.attr_str(1, m).unwrap(); }
        for (t, p) in &unknown { b.attr(*t, p).unwrap(); }
        let _ = b.finish();
        let ext = ExtAck::parse(&tlv_buf[16..]).unwrap();
        let len = 16 + request_payload.as_ref().map_or(0, Vec::len) as u32;
        let ack = Ack { error, request, request_len: len, request_payload: request_payload.as_deref(), ext };
        let mut bytes = Vec::new();
        ack.emit(&mut bytes, seq, 1).unwrap();
        let parsed_msg = Messages::new(&bytes).next().unwrap().unwrap();
        let parsed = Ack::parse(&parsed_msg).unwrap();
        prop_assert_eq!(parsed, ack);
        prop_assert_eq!(parsed.ext.message, msg.as_deref());
        prop_assert_eq!(parsed.ext.unknown().count(), unknown.len());
        let mut again = Vec::new();
        parsed.emit(&mut again, seq, 1).unwrap();
        prop_assert_eq!(again, bytes);
    }

    #[test]
    fn no_input_makes_a_parser_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        for msg in Messages::new(&bytes) {
            let Ok(msg) = msg else { break };
            let _ = Ack::parse(&msg);
            let _ = Done::parse(&msg);
            let _ = GenlBuffer::new_checked(msg.payload());
            walk(Attrs::new(msg.payload()), 0);
        }
        walk(Attrs::new(&bytes), 0);
        let _ = ExtAck::parse(&bytes);
    }

    #[test]
    fn alignment_macros_agree_with_the_checked_view(bytes in prop::collection::vec(any::<u8>(), 0..40)) {
        let ok = nlkit_wire::align::nlmsg_ok(&bytes);
        prop_assert_eq!(ok, nlkit_wire::MessageBuffer::new_checked(&bytes[..]).is_ok());
    }
}

fn walk(attrs: Attrs<'_>, depth: usize) {
    for a in attrs {
        let Ok(a) = a else { return };
        let _ = (a.u8(), a.u16(), a.u32(), a.u64(), a.i32(), a.be16(), a.be32(), a.uint());
        let _ = (a.str(), a.string(), a.flag());
        if depth < 8 {
            walk(a.nested(), depth + 1);
        }
    }
}
