//! Random builder operations on a small fixed buffer: never a panic, never a
//! write past the end, and whatever was built parses back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nlkit_wire::{FixedBuf, Header, MessageBuilder, Messages, Nest};

fuzz_target!(|data: &[u8]| {
    let Some((&size, ops)) = data.split_first() else { return };
    let mut storage = vec![0u8; size as usize];
    let mut buf = FixedBuf::new(&mut storage);
    let Ok(mut b) = MessageBuilder::new(&mut buf, Header::new(16u16)) else { return };
    let mut nests: Vec<Nest> = Vec::new();
    for op in ops.chunks(2) {
        let (code, arg) = (op[0], *op.get(1).unwrap_or(&0));
        let _ = match code % 6 {
            0 => b.attr(arg as u16, &ops[..(arg as usize).min(ops.len())]),
            1 => b.attr_u32(arg as u16, arg as u32),
            2 => b.attr_str(arg as u16, "name"),
            3 => b.nest(arg as u16).map(|n| nests.push(n)),
            4 => nests.pop().map_or(Ok(()), |n| b.nest_end(n)),
            _ => b.append(&ops[..(arg as usize % 7).min(ops.len())]),
        };
    }
    while let Some(n) = nests.pop() {
        // A failed nest() pushed nothing, so tokens are always innermost-first.
        if let Err(e) = b.nest_end(n) {
            assert!(matches!(e, nlkit_wire::Error::TooLong { .. }), "{e}");
        }
    }
    let range = b.finish();
    assert!(range.end <= size as usize);
    let msg = Messages::new(buf_bytes(&buf, range)).next().unwrap().unwrap();
    assert_eq!(msg.length() as usize, msg.bytes().len());
});

fn buf_bytes<'a>(buf: &'a FixedBuf<'_>, range: std::ops::Range<usize>) -> &'a [u8] {
    use nlkit_wire::Buffer;
    &buf.bytes()[range]
}
