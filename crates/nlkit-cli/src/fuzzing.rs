//! Entry points for the fuzz targets (`fuzz/fuzz_targets/cli_words.rs`,
//! `cli_values.rs`): the word walker and the value parsers, fed arbitrary
//! bytes, with no connection. Each must return (an error is fine) and
//! never panic, loop or grow without bound.

use crate::grammar;
use crate::ip;

/// The command model's walk over `data` split into words, for every
/// object; the batch file reader over `data` as a file.
pub fn words(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let words: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    for o in grammar::tables::OBJECTS {
        let _ = o.preflight(&words);
        if let Some(first) = words.first() {
            let _ = o.command(first);
        }
    }
    if let Some(first) = words.first() {
        let _ = grammar::object(first);
    }
    // The table-driven commands' walker, with every apply function.
    let mut rule = nlkit::rtnl::rule::RuleSpec::default();
    let _ = ip::rule::WALK.run(&words, &mut rule);
    let _ = ip::neigh::WALK.run(&words, &mut ip::neigh::NeighArgs::default());
    let _ = ip::link::WALK.run(&words, &mut ip::link::Common::default());
    let _ = ip::addr_modify::WALK.run(&words, &mut ip::addr_modify::Request::default());
    ip::fuzz_walks(&words);
    ip::batch::read_all(data);
}

/// Every value parser over `data` as a word (numbers, prefixes, addresses,
/// link-layer addresses, names, ranges, TOS, realms).
pub fn values(data: &[u8]) {
    let Ok(word) = std::str::from_utf8(data) else { return };
    ip::fuzz_values(word);
}
