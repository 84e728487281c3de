//! Any bytes as the payload of every attribute set nlkit has a table for,
//! taken from the toolkit's registry (`nlkit::proto::registry`, generated
//! from the tables, so a new set is fuzzed without being added here): the
//! first two bytes pick the set (`round_trip::pick`), the rest is its fixed header and
//! attributes. Parsing never panics; what parses keeps its bytes and
//! writes them back as they came; what its builder writes reads back as
//! the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nlkit::proto::round_trip::pick;

fuzz_target!(|data: &[u8]| {
    let [a, b, payload @ ..] = data else { return };
    let set = pick(u16::from_le_bytes([*a, *b]));
    if let Err(e) = (set.check)(payload) {
        panic!("{}: {e}", set.path);
    }
});
