//! Any bytes as a run of attributes: every getter on every attribute, nests
//! walked in place; and re-emitting the valid ones gives the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nlkit_wire::{Attrs, Header, MessageBuilder};

fn walk(attrs: Attrs<'_>, depth: u32) {
    for a in attrs {
        let Ok(a) = a else { return };
        let _ = (a.u8(), a.u16(), a.u32(), a.u64(), a.i8(), a.i16(), a.i32(), a.i64());
        let _ = (a.be16(), a.be32(), a.be64(), a.uint(), a.str(), a.string(), a.flag());
        if depth < 16 {
            walk(a.nested(), depth + 1);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    walk(Attrs::new(data), 0);
    let _ = nlkit_wire::ExtAck::parse(data);
    // Attributes that parse re-emit to their own bytes, when padding is zero.
    let Ok(attrs) = Attrs::new(data).collect::<Result<Vec<_>, _>>() else { return };
    let mut out = Vec::new();
    let mut b = MessageBuilder::new(&mut out, Header::new(16u16)).unwrap();
    for a in &attrs {
        b.attr(a.raw_type(), a.payload()).unwrap();
    }
    let _ = b.finish();
    let canonical = data.len() % 4 == 0 && out[16..].len() == data.len();
    if canonical && out[16..] != *data {
        // Only padding bytes may differ.
        let mut zeroed = data.to_vec();
        let mut at = 0;
        for a in &attrs {
            let end = at + a.len();
            let padded = nlkit_wire::align::nla_align(end);
            zeroed[end..padded].fill(0);
            at = padded;
        }
        assert_eq!(out[16..], zeroed[..]);
    }
});
