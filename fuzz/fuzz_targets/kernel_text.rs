//! Any text through the kernel-text parsers of `nlkit::kernel`: the boot
//! command line, `get_options` lists, sysctl names and sysctl.conf lines;
//! any 32-bit prefix as an ioctl request, and any text as one written by a
//! person (`parse_request`). None may panic, and each keeps its round trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nlkit::kernel::{cmdline, ioctl, sysctl};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    if data.len() >= 4 {
        let n = u32::from_le_bytes([data[0], data[1], data[2], data[3]]);
        assert_eq!(ioctl::Ioctl::decode(n).encode(), n);
        let _ = ioctl::Ioctl::decode(n).to_string();
    }
    let Ok(text) = std::str::from_utf8(data) else { return };
    // A request as a person writes one: what parses prints as a macro that
    // parses back to the same number (for the directions macros have).
    if let Ok(n) = ioctl::parse_request(text) {
        let d = ioctl::Ioctl::decode(n);
        let _ = ioctl::names(n).count();
        if !matches!(d.dir, ioctl::Dir::Unknown(_)) {
            assert_eq!(ioctl::parse_request(&d.to_string()), Ok(n), "{d}");
        }
    }
    let c = cmdline::Cmdline::parse(text);
    for p in c.params.iter().chain(&c.init_args) {
        let _ = p.to_string();
    }
    let (values, rest) = cmdline::get_options(text, 64);
    assert!(values.len() <= 64 && text.ends_with(rest));
    for line in sysctl::parse_conf(text) {
        let _ = line;
    }
    // A valid name maps to a path without `.`/`..`/empty components, and
    // that path's name maps back to the same path.
    if let Ok(path) = sysctl::name_to_path(text) {
        assert!(path.split('/').all(|c| !c.is_empty() && c != "." && c != ".."));
        let name = sysctl::path_to_name(Path::new(&path));
        assert_eq!(sysctl::name_to_path(&name).unwrap(), path);
    }
});
