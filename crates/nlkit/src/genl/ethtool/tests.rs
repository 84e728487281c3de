use super::*;

#[test]
fn the_string_set_id_is_the_pinned_headers() {
    let header = include_str!("../../../../../tools/uapi/linux-6.1/linux/ethtool.h");
    // `enum ethtool_stringset` counts from ETH_SS_TEST = 0.
    let body = header.split("enum ethtool_stringset {").nth(1).unwrap();
    let names: Vec<&str> = body
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with('}'))
        .filter(|l| l.starts_with("ETH_SS_"))
        .map(|l| l.split([' ', '\t', ',', '=']).next().unwrap())
        .collect();
    assert_eq!(names.iter().position(|n| *n == "ETH_SS_FEATURES"), Some(ETH_SS_FEATURES as usize));
}

/// A `stringsets` nest holding one set with `strings` (index, value).
fn stringsets(id: u32, count: u32, strings: &[(u32, &str)]) -> Vec<u8> {
    let mut buf = Vec::new();
    let header = nlkit_wire::Header::new(16u16);
    let mut b = MessageBuilder::new(&mut buf, header).unwrap();
    let set = b.nest(ETHTOOL_A_STRINGSETS_STRINGSET).unwrap();
    b.attr_u32(ETHTOOL_A_STRINGSET_ID, id).unwrap();
    b.attr_u32(ETHTOOL_A_STRINGSET_COUNT, count).unwrap();
    let list = b.nest(ETHTOOL_A_STRINGSET_STRINGS).unwrap();
    for (i, v) in strings {
        let s = b.nest(ETHTOOL_A_STRINGS_STRING).unwrap();
        b.attr_u32(ETHTOOL_A_STRING_INDEX, *i).unwrap();
        b.attr_str(ETHTOOL_A_STRING_VALUE, v).unwrap();
        b.nest_end(s).unwrap();
    }
    b.nest_end(list).unwrap();
    b.nest_end(set).unwrap();
    let range = b.finish();
    buf[range.start + 16..range.end].to_vec()
}

#[test]
fn feature_names_by_bit_with_gaps_and_bounds() {
    let bytes = stringsets(ETH_SS_FEATURES, 4, &[(0, "tx-scatter-gather"), (2, "highdma")]);
    let names = strings_of(Attrs::new(&bytes), ETH_SS_FEATURES).unwrap();
    assert_eq!(names, ["tx-scatter-gather", "", "highdma", ""]);
    // Another set only: missing, said so.
    assert!(strings_of(Attrs::new(&bytes), 1).is_err());
    // A count from a hostile peer does not size the table.
    let huge = stringsets(ETH_SS_FEATURES, u32::MAX, &[(0, "a")]);
    assert_eq!(strings_of(Attrs::new(&huge), ETH_SS_FEATURES).unwrap().len(), 1 << 16);
    // Truncated: an error, never a panic.
    assert!(strings_of(Attrs::new(&bytes[..bytes.len() - 3]), ETH_SS_FEATURES).is_err());
}

#[test]
fn feature_bits_read_by_word() {
    assert!(Features::on(&[0b100], 2));
    assert!(!Features::on(&[0b100], 1));
    assert!(Features::on(&[0, 1], 32));
    assert!(!Features::on(&[0], 40), "past the words: off");
}
