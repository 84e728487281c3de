//! `nlkit sysctl`, `modparam`, `cmdline` and `ioctl` against the real
//! kernel. sysctl writes happen only to net.* keys inside a throwaway
//! namespace (`ip netns exec`), and the host's value is checked to be
//! unchanged; module parameter writes go to a stand-in tree.

mod common;

use common::Ns;
use std::process::{Command, Output};

fn nlkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nlkit")).args(args).output().unwrap()
}

/// Runs `ip netns exec NS nlkit ARGS...`.
fn nlkit_in(ns: &Ns, args: &[&str]) -> Output {
    Command::new("ip")
        .args(["netns", "exec", &ns.0, env!("CARGO_BIN_EXE_nlkit")])
        .args(args)
        .output()
        .unwrap()
}

fn ok(out: Output) -> String {
    assert!(out.status.success(), "failed: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Asserts exit status 1 and that stderr contains `text`.
fn fails_with(out: Output, text: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {err}");
    assert!(err.contains(text), "expected {text:?} in: {err}");
}

fn host_forwarding() -> String {
    std::fs::read_to_string("/proc/sys/net/ipv4/ip_forward").unwrap()
}

#[test]
fn sysctl_reads_and_writes_only_the_namespace() {
    let ns = Ns::new("sysctl");
    let host = host_forwarding();
    let before = ok(nlkit_in(&ns, &["sysctl", "-n", "net.ipv4.ip_forward"]));
    let flipped = if before.trim() == "1" { "0" } else { "1" };
    let set = format!("net.ipv4.ip_forward={flipped}");
    assert_eq!(
        ok(nlkit_in(&ns, &["sysctl", "-w", &set])),
        format!("net.ipv4.ip_forward = {flipped}\n")
    );
    assert_eq!(
        ok(nlkit_in(&ns, &["sysctl", "net.ipv4.ip_forward"])),
        format!("net.ipv4.ip_forward = {flipped}\n")
    );
    assert_eq!(
        ok(nlkit_in(&ns, &["sysctl", "net/ipv4/ip_forward"])),
        format!("net.ipv4.ip_forward = {flipped}\n")
    );
    assert_eq!(host_forwarding(), host, "the host's value changed");
}

#[test]
fn sysctl_with_netns_option_works_in_that_namespace() {
    let ns = Ns::new("sysctl-n");
    let host = host_forwarding();
    let flipped = if host.trim() == "1" { "0" } else { "1" };
    let set = format!("net.ipv4.ip_forward={flipped}");
    assert_eq!(ok(ns.nlkit(&["sysctl", "-q", &set])), "");
    assert_eq!(ok(ns.nlkit(&["sysctl", "-n", "net.ipv4.ip_forward"])), format!("{flipped}\n"));
    assert_eq!(ok(nlkit_in(&ns, &["sysctl", "-n", "net.ipv4.ip_forward"])), format!("{flipped}\n"));
    assert_eq!(host_forwarding(), host, "the host's value changed");
    let out = nlkit(&["-n", "nlkit-no-such-ns", "sysctl", "-a"]);
    fails_with(out, "/run/netns/nlkit-no-such-ns");
}

#[test]
fn sysctl_loads_a_file_with_comments_and_ignored_lines() {
    let ns = Ns::new("sysctl-p");
    let host_ttl = std::fs::read_to_string("/proc/sys/net/ipv4/ip_default_ttl").unwrap();
    let file = std::env::temp_dir().join(format!("nlkit-sysctl-{}.conf", std::process::id()));
    std::fs::write(
        &file,
        "# comment\n; another\n\nnet.ipv4.ip_default_ttl = 77\n-net.ipv4.no_such_key = 1\n- net.ipv4.ip_forward = bogus\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    assert_eq!(ok(nlkit_in(&ns, &["sysctl", "-p", f])), "net.ipv4.ip_default_ttl = 77\n");
    assert_eq!(ok(nlkit_in(&ns, &["sysctl", "-n", "net.ipv4.ip_default_ttl"])), "77\n");
    // Without the `-`, a bad line fails the run but the others still apply.
    std::fs::write(
        &file,
        "net.ipv4.no_such_key = 1\nnet.ipv4.ip_default_ttl = 78\nno equals sign\n",
    )
    .unwrap();
    let out = nlkit_in(&ns, &["sysctl", "-p", f]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "net.ipv4.ip_default_ttl = 78\n");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(err.contains("cannot stat /proc/sys/net/ipv4/no_such_key"), "{err}");
    fails_with(out, ":3: no '='");
    std::fs::remove_file(&file).unwrap();
    assert_eq!(std::fs::read_to_string("/proc/sys/net/ipv4/ip_default_ttl").unwrap(), host_ttl);
}

#[test]
fn sysctl_errors_name_the_key_and_fail() {
    let ns = Ns::new("sysctl-err");
    fails_with(
        nlkit_in(&ns, &["sysctl", "net.ipv4.no_such_key"]),
        "cannot stat /proc/sys/net/ipv4/no_such_key: No such file or directory",
    );
    fails_with(
        nlkit_in(&ns, &["sysctl", "-w", "net.ipv4.ip_forward=foo"]),
        "setting /proc/sys/net/ipv4/ip_forward to \"foo\": Invalid argument",
    );
    // Mode 0444: root is refused too (sysctl checks the mode, not capabilities).
    fails_with(
        nlkit_in(&ns, &["sysctl", "-w", "fs.file-nr=1 2 3"]),
        "setting /proc/sys/fs/file-nr: Permission denied",
    );
    fails_with(
        nlkit_in(&ns, &["sysctl", "-w", "net.ipv4.ip_forward"]),
        "must be of the form NAME=VALUE",
    );
    fails_with(nlkit_in(&ns, &["sysctl", "net..ipv4"]), "invalid name");
    // One bad name among good ones: the good ones still print.
    let out = nlkit_in(&ns, &["sysctl", "kernel.ostype", "net.nope"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "kernel.ostype = Linux\n");
    fails_with(out, "net/nope");
}

/// sysctl.conf globs as procps-ng reads them: `*` and `[0-9]` over
/// interfaces, a `-name` line excluding one (`default`: a write there
/// would reach every interface not set itself), a line naming one that
/// the glob then leaves to it. Twin namespaces, one per tool: the same
/// echo and the same settings after.
#[test]
fn sysctl_load_expands_globs_as_procps() {
    let (ours, theirs) = (Ns::new("sysctl-glob-n"), Ns::new("sysctl-glob-p"));
    for ns in [&ours, &theirs] {
        ns.ip(&["link", "add", "g0", "type", "veth", "peer", "name", "g1"]);
    }
    let file = std::env::temp_dir().join(format!("nlkit-sysctl-glob-{}.conf", std::process::id()));
    std::fs::write(
        &file,
        "net.ipv4.conf.*.rp_filter = 2\n-net.ipv4.conf.default.rp_filter\nnet.ipv4.conf.g1.rp_filter = 1\nnet.ipv4.conf.g[0-9].accept_local = 1\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let procps = |args: &[&str]| {
        let out = Command::new("ip")
            .args(["netns", "exec", &theirs.0, "sysctl"])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(ok(nlkit_in(&ours, &["sysctl", "-p", f])), procps(&["-p", f]));
    let now = ok(nlkit_in(&ours, &["sysctl", "net.ipv4.conf"]));
    assert_eq!(now, procps(&["net.ipv4.conf"]));
    for line in [
        "all.rp_filter = 2",
        "default.rp_filter = 0",
        "g0.rp_filter = 2",
        "g1.rp_filter = 1",
        "lo.rp_filter = 2",
        "g0.accept_local = 1",
        "g1.accept_local = 1",
        "lo.accept_local = 0",
    ] {
        assert!(now.contains(&format!("net.ipv4.conf.{line}\n")), "{line}: {now}");
    }
    std::fs::remove_file(&file).unwrap();
}

#[test]
fn sysctl_all_lists_readable_keys_quietly() {
    let ns = Ns::new("sysctl-a");
    let text = ok(nlkit_in(&ns, &["sysctl", "-a"]));
    assert!(text.lines().count() > 100, "{text}");
    assert!(text.lines().any(|l| l.starts_with("net.ipv4.ip_forward = ")));
    assert!(text.lines().all(|l| l.contains(" = ")));
    // The neighbour tables' deprecated keys only with --deprecated, as
    // procps-ng lists them.
    assert!(!text.contains(".retrans_time =") && !text.contains(".base_reachable_time ="));
    let procps = Command::new("ip")
        .args(["netns", "exec", &ns.0, "sysctl", "-N", "net.ipv4.neigh"])
        .output()
        .unwrap();
    let neigh = ok(nlkit_in(&ns, &["sysctl", "-N", "net.ipv4.neigh"]));
    assert_eq!(neigh, String::from_utf8(procps.stdout).unwrap());
    let all = ok(nlkit_in(&ns, &["sysctl", "-N", "--deprecated", "net.ipv4.neigh"]));
    assert!(all.contains("net.ipv4.neigh.lo.retrans_time\n"), "{all}");
    // -N names what cannot be read too (stable_secret, unset), as procps.
    let procps = Command::new("ip")
        .args(["netns", "exec", &ns.0, "sysctl", "-N", "net.ipv6.conf.lo"])
        .output()
        .unwrap();
    let names = ok(nlkit_in(&ns, &["sysctl", "-N", "net.ipv6.conf.lo"]));
    assert!(names.contains("net.ipv6.conf.lo.stable_secret\n"), "{names}");
    assert_eq!(names, String::from_utf8(procps.stdout).unwrap());
    let under = ok(nlkit_in(&ns, &["sysctl", "net.ipv4.conf.lo"]));
    assert!(
        under.lines().all(|l| l.starts_with("net.ipv4.conf.lo."))
            && under.contains("forwarding = ")
    );
    let json: serde_json::Value =
        serde_json::from_str(&ok(nlkit_in(&ns, &["sysctl", "-a", "-j", "net.ipv4"]))).unwrap();
    let all = json.as_array().unwrap();
    assert!(all.iter().any(|o| o["name"] == "net.ipv4.ip_forward" && o["value"].is_string()));
    assert!(all.iter().all(|o| o["name"].as_str().unwrap().starts_with("net.ipv4.")));
}

#[test]
fn sysctl_json_and_values_only() {
    let out = ok(nlkit(&["sysctl", "-j", "kernel.ostype", "net.ipv4.tcp_rmem"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0], serde_json::json!({"name": "kernel.ostype", "value": "Linux"}));
    assert_eq!(v[1]["value"].as_str().unwrap().split('\t').count(), 3);
    assert_eq!(ok(nlkit(&["sysctl", "-n", "kernel.ostype"])), "Linux\n");
    assert_eq!(ok(nlkit(&["sysctl", "-N", "kernel.ostype"])), "kernel.ostype\n");
}

/// The first module (sorted) with a readable parameter on this kernel.
fn real_param() -> (String, String, String) {
    let mut modules: Vec<_> =
        std::fs::read_dir("/sys/module").unwrap().filter_map(|e| e.ok()).collect();
    modules.sort_by_key(|e| e.file_name());
    for m in modules {
        let Ok(params) = std::fs::read_dir(m.path().join("parameters")) else { continue };
        let mut params: Vec<_> = params.filter_map(|e| e.ok()).collect();
        params.sort_by_key(|e| e.file_name());
        for p in params {
            if let Ok(v) = std::fs::read_to_string(p.path()) {
                let name = |s: std::ffi::OsString| s.into_string().unwrap();
                return (
                    name(m.file_name()),
                    name(p.file_name()),
                    v.trim_end_matches('\n').to_string(),
                );
            }
        }
    }
    panic!("no module with a readable parameter in /sys/module");
}

#[test]
fn modparam_reads_real_parameters() {
    let (module, param, value) = real_param();
    assert!(ok(nlkit(&["modparam"])).lines().any(|l| l == module));
    assert!(ok(nlkit(&["modparam", &module])).lines().any(|l| l == format!("{param} = {value}")));
    assert_eq!(ok(nlkit(&["modparam", &module, &param])), format!("{value}\n"));
    let v: serde_json::Value =
        serde_json::from_str(&ok(nlkit(&["-j", "modparam", &module, &param]))).unwrap();
    assert_eq!(v, serde_json::json!({"module": module, "param": param, "value": value}));
    let v: serde_json::Value =
        serde_json::from_str(&ok(nlkit(&["-j", "modparam", &module]))).unwrap();
    assert!(v.as_array().unwrap().iter().any(|p| p["param"] == param.as_str()));
    fails_with(nlkit(&["modparam", "no_such_module_x"]), "/sys/module/no_such_module_x/parameters");
    fails_with(nlkit(&["modparam", &module, "no_such_param_x"]), "No such file or directory");
}

#[test]
fn modparam_writes_a_stand_in_tree() {
    use std::os::unix::fs::PermissionsExt;
    let root = std::env::temp_dir().join(format!("nlkit-modparam-cli-{}", std::process::id()));
    let dir = root.join("fake_mod/parameters");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("level"), "1\n").unwrap();
    std::fs::write(dir.join("fixed"), "Y\n").unwrap();
    std::fs::set_permissions(dir.join("fixed"), std::fs::Permissions::from_mode(0o444)).unwrap();
    let r = root.to_str().unwrap();
    assert_eq!(ok(nlkit(&["modparam", "--root", r])), "fake_mod\n");
    assert_eq!(ok(nlkit(&["modparam", "--root", r, "fake-mod", "level=5"])), "");
    // Exactly the value given: the kernel keeps a newline in charp parameters.
    assert_eq!(std::fs::read_to_string(dir.join("level")).unwrap(), "5");
    assert_eq!(ok(nlkit(&["modparam", "--root", r, "fake_mod"])), "fixed = Y\nlevel = 5\n");
    fails_with(
        nlkit(&["modparam", "--root", r, "fake_mod", "fixed=N"]),
        "fixed: Permission denied",
    );
    assert_eq!(std::fs::read_to_string(dir.join("fixed")).unwrap(), "Y\n");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn cmdline_splits_strings_and_the_real_one() {
    let text = ok(nlkit(&["cmdline", r#"a.b-c=1 "x=y z" quiet e= -- --init "p q""#]));
    assert_eq!(text, "a.b-c = 1\nx = y z\nquiet\ne = \n-- --init p q\n");
    let v: serde_json::Value =
        serde_json::from_str(&ok(nlkit(&["-j", "cmdline", r#"m.p="v w" f -- i"#]))).unwrap();
    assert_eq!(
        v,
        serde_json::json!({
            "params": [
                {"module": "m", "param": "p", "value": "v w"},
                {"module": null, "param": "f", "value": null},
            ],
            "init_args": ["i"],
        })
    );
    ok(nlkit(&["cmdline"]));
    ok(nlkit(&["-j", "cmdline"]));
}

#[test]
fn cmdline_json_reads_integer_lists_as_get_options_does() {
    let line = "nlkit_list=1,2,7-9 n=0x10 neg=-3 text=ttyS0 part=1,2x empty=";
    let v: serde_json::Value = serde_json::from_str(&ok(nlkit(&["-j", "cmdline", line]))).unwrap();
    let ints: Vec<_> = v["params"].as_array().unwrap().iter().map(|p| p.get("ints")).collect();
    let want = [Some(serde_json::json!([1, 2, 7, 8, 9])), Some(serde_json::json!([16]))];
    assert_eq!(ints[..2], [want[0].as_ref(), want[1].as_ref()]);
    assert_eq!(ints[2], Some(&serde_json::json!([-3])));
    assert_eq!(ints[3..], [None, None, None], "not wholly a list: no ints");
}

#[test]
fn ioctl_decodes_numbers() {
    let text = ok(nlkit(&["ioctl", "decode", "0x400454ca"]));
    assert_eq!(
        text,
        "request 0x400454ca\nname    TUNSETIFF (<linux/if_tun.h>)\nmacro   _IOW('T', 0xca, 4)\n\
         dir     write\ntype    'T' (0x54)\nnr      202 (0xca)\nsize    4\n"
    );
    let v: serde_json::Value =
        serde_json::from_str(&ok(nlkit(&["-j", "ioctl", "decode", "2148012658"]))).unwrap();
    assert_eq!(v[0]["macro"], "_IOR(0x12, 0x72, 8)"); // BLKGETSIZE64
    assert_eq!(v[0]["type_char"], serde_json::Value::Null);
    assert_eq!(v[0]["names"][0]["name"], "BLKGETSIZE64");
    fails_with(nlkit(&["ioctl", "decode", "0x1ffffffff"]), "does not fit in 32 bits");
}

#[test]
fn ioctl_encodes_what_decode_takes_apart() {
    let hex = |args: &[&str]| ok(nlkit(args)).lines().next().unwrap().to_string();
    for words in [
        &["ioctl", "encode", "_IOW('T', 202, int)"][..],
        &["ioctl", "encode", "w", "T", "202", "4"],
        &["ioctl", "encode", "TUNSETIFF"],
        &["ioctl", "decode", "TUNSETIFF"],
    ] {
        assert_eq!(hex(words), "request 0x400454ca", "{words:?}");
    }
    assert_eq!(hex(&["ioctl", "encode", "_IOR('m', 1, 40)"]), "request 0x80286d01");
    assert_eq!(hex(&["ioctl", "encode", "none", "m", "3"]), "request 0x00006d03");
    assert_eq!(hex(&["ioctl", "encode", "rw", "0x12", "7", "16"]), "request 0xc0101207");
    fails_with(nlkit(&["ioctl", "encode", "r", "m", "1"]), "needs a SIZE");
    fails_with(nlkit(&["ioctl", "encode", "_IOW('m', 1, struct foo)"]), "C scalar type");
}
