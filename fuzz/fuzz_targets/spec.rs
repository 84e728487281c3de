//! The run-time spec path on any bytes: attributes decoded by real specs
//! (rt_link with its sub-messages, nlctrl's indexed arrays and bitfield32,
//! ovs_flow's big-endian and nest-type-value attributes, ethtool's nests)
//! as values and as text, which must be the same JSON; the bytes located
//! as an extended ACK would point into them; and any text loaded as a
//! spec (the YAML parser, the schema validator, the resolver). Nothing
//! panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nlkit_spec::decode;
use nlkit_spec::json::{Json, JsonText};
use nlkit_spec::Spec;
use std::sync::OnceLock;

fn specs() -> &'static [Spec] {
    static SPECS: OnceLock<Vec<Spec>> = OnceLock::new();
    SPECS.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../specs/ynl/6.12/");
        ["rt_link", "nlctrl", "ovs_flow", "ethtool", "tc"]
            .iter()
            .map(|n| Spec::load(format!("{dir}{n}.yaml")).expect("a pinned spec"))
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let specs = specs();
    let spec = &specs[usize::from(pick) % specs.len()];
    let set = &spec.sets[usize::from(pick / 8) % spec.sets.len()];
    let mut value = Json::default();
    decode::walk(spec, &set.name, rest, &mut value);
    let value = value.finish();
    let mut text = JsonText::new();
    decode::walk(spec, &set.name, rest, &mut text);
    let text = text.finish();
    let parsed: serde_json::Value = serde_json::from_str(&text).expect("JsonText writes JSON");
    assert_eq!(parsed, value, "{text}");
    let k = nlkit::KernelError {
        offset: Some(u32::from(pick) * 4),
        missing_type: Some(u32::from(pick)),
        missing_nest: Some(u32::from(pick) * 2),
        ..nlkit::KernelError::from_errno(22)
    };
    let _ = nlkit_spec::explain::locate(spec, &set.name, rest, 0, &k);
    if let Ok(text) = std::str::from_utf8(rest) {
        let _ = Spec::parse_with(text, "fuzz.yaml", pick % 2 == 0);
    }
});
