//! Any bytes as the words after `nlkit OBJECT` (the command model's walk
//! for every object: help, refusals, command prefixes) and as a `-batch`
//! file (continuations, comments, quotes, over-long lines, bad UTF-8).
//! Nothing may panic, loop or grow without bound; nothing is sent.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    nlkit_cli::fuzzing::words(data);
});
