//! Any bytes as one word through every value parser of the CLI: numbers
//! of every width, prefixes and addresses of every family, link-layer
//! addresses, interface names, TOS, realms, netmasks, port and uid
//! ranges, route tables, protocols, scopes, types, neighbour states and
//! device groups. Each answers a value or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    nlkit_cli::fuzzing::values(data);
});
