//! `nlkit wg` on this machine's kernel: where it has WireGuard, a device
//! in a throwaway namespace configured and read back; where it has not
//! (this project's host kernel), the clear refusal. The tunnel between two
//! namespaces, compared with wg(8), runs in the VM (vmtest/guest-net.sh).
//! `genkey` everywhere.

mod common;

use common::Ns;

#[test]
fn genkey_gives_a_clamped_curve25519_key() {
    let ns = Ns::new("wgkey");
    let a = ns.nlkit_ok(&["wg", "genkey"]);
    let b = ns.nlkit_ok(&["wg", "genkey"]);
    assert_ne!(a, b);
    let key = a.trim();
    assert_eq!(key.len(), 44, "{key}");
    // The last byte's top bit clear and the next set; the first byte's low
    // three bits clear (RFC 7748 clamping), read from the base64 text.
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let six = |c: char| alphabet.find(c).unwrap() as u32;
    let c: Vec<char> = key.chars().collect();
    let first = (six(c[0]) << 2) | (six(c[1]) >> 4);
    assert_eq!(first & 7, 0, "{key}");
    // Bytes 30 and 31 are in characters 40..43 ("XXX=").
    let tail = (six(c[40]) << 12) | (six(c[41]) << 6) | six(c[42]);
    let last = (tail >> 2) & 0xff;
    assert_eq!(last & 0xc0, 0x40, "{key}");
}

#[test]
fn a_device_is_set_and_read_back_or_the_kernel_is_said_to_lack_wireguard() {
    let ns = Ns::new("wgdev");
    let added = ns.nlkit(&["link", "add", "wg0", "type", "wireguard"]);
    if !added.status.success() {
        // No WireGuard: no device to list (as wg: nothing, status 0), and
        // one named is refused saying why.
        assert_eq!(ns.nlkit_ok(&["wg", "show"]), "");
        assert_eq!(ns.nlkit_ok(&["wg", "show", "interfaces"]), "");
        assert_eq!(ns.nlkit_ok(&["-j", "wg", "show"]), "[]\n");
        let out = ns.nlkit(&["wg", "show", "wg0"]);
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("this kernel has no WireGuard"), "{err}");
        return;
    }
    let dir = std::env::temp_dir().join(format!("nlkit-wg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = dir.join("key");
    std::fs::write(&key, ns.nlkit_ok(&["wg", "genkey"])).unwrap();
    let peer = ns.nlkit_ok(&["wg", "genkey"]);
    ns.nlkit_ok(&[
        "wg",
        "set",
        "wg0",
        "private-key",
        key.to_str().unwrap(),
        "listen-port",
        "51999",
    ]);
    ns.nlkit_ok(&["wg", "set", "wg0", "peer", peer.trim(), "allowed-ips", "10.7.0.0/24"]);
    let dump = ns.nlkit_ok(&["wg", "show", "wg0", "dump"]);
    let lines: Vec<Vec<&str>> = dump.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(lines[0][2], "51999");
    assert_eq!((lines[1][0], lines[1][3]), (peer.trim(), "10.7.0.0/24"));
    std::fs::remove_dir_all(&dir).unwrap();
}
