use super::*;

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

#[test]
fn help_anywhere_prints_the_objects_usage() {
    let link = object("link").unwrap();
    for line in ["help", "--help", "-h", "show --help", "set dev x help", "add -h"] {
        match link.preflight(&words(line)) {
            Preflight::Help(u) => {
                assert!(u.starts_with("Usage: nlkit link { show | add | delete | set }"), "{u}");
                assert!(u.contains("txqueuelen|qlen|txqlen PACKETS"), "{u}");
            }
            other => panic!("{line}: {other:?}"),
        }
    }
    // A value that reads "help" is a value.
    assert_eq!(link.preflight(&words("set dev x alias help")), Preflight::Run);
}

#[test]
fn unimplemented_ip_keywords_are_refused_by_name() {
    let link = object("l").unwrap();
    let Preflight::Refuse(why) = link.preflight(&words("set dev x xdp off")) else { panic!() };
    assert_eq!(why, "\"xdp\" is not supported by nlkit link set (see nlkit link help)");
    let Preflight::Refuse(why) = object("route").unwrap().preflight(&words("showdump")) else {
        panic!()
    };
    assert!(why.starts_with("\"showdump\" is not supported by nlkit route"), "{why}");
    // Implemented words, and words in value positions, pass.
    assert_eq!(link.preflight(&words("set dev xdp up")), Preflight::Run);
    assert_eq!(link.preflight(&words("set dev x promisc on")), Preflight::Run);
    assert_eq!(link.preflight(&words("sh")), Preflight::Run);
}

#[test]
fn objects_and_commands_take_prefixes_and_aliases() {
    assert_eq!(object("a").unwrap().name(), "address");
    assert_eq!(object("neighbour").unwrap().name(), "neigh");
    assert!(object("r").is_none(), "route or rule");
    let route = object("ro").unwrap();
    assert_eq!(route.command("del").unwrap().names[0], "delete");
    assert_eq!(route.command("ap").unwrap().names[0], "append");
    assert_eq!(route.command("c").unwrap().names[0], "change");
    assert!(object("address").unwrap().command("d").is_some(), "delete only");
    assert!(object("neigh").unwrap().command("g").is_some(), "get only");
}

#[test]
fn every_keyword_has_help_and_no_command_repeats_a_word() {
    for o in tables::OBJECTS {
        for c in o.commands {
            let mut seen = std::collections::HashSet::new();
            for k in c.words {
                assert!(k.refused || !k.help.is_empty(), "{} {} {}", o.name(), c.names[0], k.word);
                for name in k.names() {
                    assert!(seen.insert(name), "{} {}: {name} twice", o.name(), c.names[0]);
                    assert!(
                        !c.unsupported.iter().any(|u| u.trim_end_matches('*') == name),
                        "{name}: both"
                    );
                }
            }
        }
    }
}

#[test]
fn completions_offer_commands_then_keywords() {
    use clap::CommandFactory;
    let tree = complete::Tree::new(&crate::cli::Cli::command());
    let top = tree.words("").unwrap();
    for w in ["link", "address", "addr", "sysctl", "genl", "--json", "completions"] {
        assert!(top.iter().any(|t| t == w), "{w}: {top:?}");
    }
    assert!(tree.words("/link").unwrap().iter().any(|w| w == "set"));
    let set = tree.words("/link/set/dev/x").unwrap();
    assert!(set.iter().any(|w| w == "txqlen") && set.iter().any(|w| w == "help"), "{set:?}");
    let policy = tree.words("/genl/policy").unwrap();
    assert!(policy.iter().any(|w| w == "--op"), "{policy:?}");
}

#[test]
fn the_table_driven_commands_have_an_apply_row_per_keyword() {
    crate::ip::walks_complete().unwrap();
}

#[test]
fn names_match_whole_or_by_marked_prefix() {
    use walk::matches_names as m;
    assert!(m("tos|dsfield*", "tos") && m("tos|dsfield*", "d") && m("tos|dsfield*", "dsfield"));
    assert!(!m("tos|dsfield*", "to") && !m("tos|dsfield*", "dsfieldx"), "tos is whole");
    assert!(!m("tos|dsfield*", "") && !m("a*", "") && !m("", ""), "nothing matches empty");
    assert!(m("dev|oif", "oif") && !m("dev|oif", "de") && !m("dev|oif", "|"));
    assert!(m("a||b*", "b") && !m("x*|", "y"));
}
