//! `xfrm`'s tables: the object (`state`, `policy`, `monitor`) for the
//! top-level help and man page, and one object per xfrm object for its
//! own help. Each command's rows are in the order iproute2 6.1 compares
//! its words (`xfrm_state.c`, `xfrm_policy.c`, `xfrm_monitor.c`; nearly all
//! whole words, `strcmp`; the monitor's objects by prefix, `matches`), with
//! what ip has and nlkit does not as refused rows at their place. The
//! walker reads them (`xfrm::sa_words`, `xfrm::policy_words`,
//! `xfrm::MONITOR`); the ID and SELECTOR words, which ip reads when no
//! keyword matched, are the walks' `other`.

use super::{refused, w, Cmd, Object};

const ID: &str = "ID := [ src ADDR ] [ dst ADDR ] [ proto XFRM-PROTO ] [ spi SPI ]";

/// `state add|update`, in `xfrm_state_modify`'s order (the algorithms
/// after every other keyword, as `xfrm_algotype_getbyname` is asked last).
pub const STATE_ADD: Cmd = Cmd {
    names: &["add", "update"],
    synopsis: "ID [ ALGO-LIST ] [ mode MODE ] [ mark MARK [ mask MASK ] ] [ reqid REQID ] [ seq SEQ ] [ replay-window SIZE ] [ flag FLAG-LIST ] [ sel SELECTOR ] [ limit LIMIT ]... [ encap ENCAP ] [ if_id IF_ID ]",
    about: "Make (or replace) an SA",
    words: &[
        w("mode", "MODE", "transport | tunnel | beet | ro | in_trigger (or a prefix)"),
        w("mark", "MARK [ mask MASK ]", "the SA's mark"),
        w("reqid", "REQID", "the request id policies' templates name"),
        w("seq", "SEQ", "the sequence number"),
        w("replay-window", "SIZE", "the replay window (over 32, or with esn: the ESN state)"),
        w("replay-seq", "SEQ", "replay state: input sequence"),
        w("replay-seq-hi", "SEQ", "ESN: input sequence, high half"),
        w("replay-oseq", "SEQ", "replay state: output sequence"),
        w("replay-oseq-hi", "SEQ", "ESN: output sequence, high half"),
        w("flag", "FLAG-LIST", "noecn | decap-dscp | nopmtudisc | wildrecv | icmp | af-unspec | align4 | esn, or 0xNN"),
        w("extra-flag", "EXTRA-FLAG-LIST", "dont-encap-dscp | oseq-may-wrap, or 0xNN"),
        w("sel", "SELECTOR", "the traffic the SA covers"),
        w("limit", "LIMIT", "time-soft | time-hard | ... SECONDS, byte-* SIZE, packet-* COUNT"),
        w("encap", "ENCAP-TYPE SPORT DPORT OADDR", "espinudp | espinudp-nonike | espintcp"),
        refused("coa"),
        refused("ctx"),
        refused("offload"),
        w("output-mark", "MARK [ mask MASK ]", "the mark of packets out"),
        w("if_id", "IF_ID", "the xfrm interface id"),
        w("tfcpad", "LENGTH", "traffic flow confidentiality padding"),
        w("enc", "NAME KEY", "encryption"),
        w("auth", "NAME KEY", "authentication"),
        w("comp", "NAME", "compression"),
        w("aead", "NAME KEY ICV-LEN", "authenticated encryption"),
        w("auth-trunc", "NAME KEY LEN", "authentication, truncated to LEN bits"),
    ],
    unsupported: &[],
};

/// `state show` (`xfrm_state_list_or_deleteall`); other words: the ID.
pub const STATE_SHOW: Cmd = Cmd {
    names: &["show", "list", "lst"],
    synopsis: "[ nokeys ] [ ID ] [ mode MODE ] [ reqid REQID ] [ flag FLAG-LIST ]",
    about: "List SAs (-j: JSON)",
    words: &[
        w("nokeys", "", "hide the keys"),
        w("mode", "MODE", "only this mode"),
        w("reqid", "REQID", "only this request id"),
        w("flag", "FLAG-LIST", "only SAs with one of these flags"),
    ],
    unsupported: &[],
};

/// `state delete|get` (`xfrm_state_get_or_delete`); other words: the ID.
pub const STATE_GET: Cmd = Cmd {
    names: &["delete", "get"],
    synopsis: "ID [ mark MARK [ mask MASK ] ]",
    about: "Delete (or print) the SA the ID names",
    words: &[w("mark", "MARK [ mask MASK ]", "the SA's mark")],
    unsupported: &[],
};

/// `state flush` (`xfrm_state_flush`).
pub const STATE_FLUSH: Cmd = Cmd {
    names: &["flush"],
    synopsis: "[ proto XFRM-PROTO ]",
    about: "Delete every SA (of one protocol) in the namespace",
    words: &[w("proto", "XFRM-PROTO", "esp | ah | comp | route2 | hao | ipsec-any")],
    unsupported: &[],
};

pub const XFRM_STATE: Object = Object {
    names: &["xfrm state"],
    about: "IPsec security associations, as ip xfrm state",
    commands: &[STATE_SHOW, STATE_ADD, STATE_GET, STATE_FLUSH],
    unsupported: &["allocspi", "deleteall", "delall", "count"],
    defs: &[
        ID,
        "XFRM-PROTO := esp | ah | comp | route2 | hao",
        "ENCAP-TYPE := espinudp | espinudp-nonike | espintcp",
    ],
    kinds: &[],
};

const SELECTOR: &str =
    "SELECTOR := [ src ADDR[/PLEN] ] [ dst ADDR[/PLEN] ] [ dev DEV ] [ proto PROTO [ sport PORT ] [ dport PORT ] [ type N ] [ code N ] [ key KEY ] ]";

/// `policy add|update`, in `xfrm_policy_modify`'s order; other words:
/// the selector.
pub const POLICY_ADD: Cmd = Cmd {
    names: &["add", "update"],
    synopsis: "SELECTOR dir DIR [ mark MARK [ mask MASK ] ] [ index INDEX ] [ ptype PTYPE ] [ action ACTION ] [ priority PRIORITY ] [ flag FLAG-LIST ] [ limit LIMIT ]... [ tmpl TMPL ]... [ if_id IF_ID ]",
    about: "Make (or replace) a policy",
    words: &[
        w("dir", "DIR", "in | out | fwd"),
        refused("ctx"),
        w("mark", "MARK [ mask MASK ]", "the policy's mark"),
        w("index", "INDEX", "the index"),
        w("ptype", "PTYPE", "main | sub"),
        w("action", "ACTION", "allow | block"),
        w("priority", "PRIORITY", "the priority"),
        w("flag", "FLAG-LIST", "localok | icmp, or 0xNN"),
        w("limit", "LIMIT", "as for state add"),
        w("tmpl", "TMPL", "[ ID ] [ mode MODE ] [ reqid REQID ] [ level required | use ]"),
        w("if_id", "IF_ID", "the xfrm interface id"),
    ],
    unsupported: &[],
};

/// `policy delete|get` (`xfrm_policy_get_or_delete`); other words: the
/// selector.
pub const POLICY_GET: Cmd = Cmd {
    names: &["delete", "get"],
    synopsis: "{ SELECTOR | index INDEX } dir DIR [ mark MARK [ mask MASK ] ] [ ptype PTYPE ] [ if_id IF_ID ]",
    about: "Delete (or print) the policy named",
    words: &[
        w("dir", "DIR", "in | out | fwd"),
        refused("ctx"),
        w("mark", "MARK [ mask MASK ]", "the policy's mark"),
        w("index", "INDEX", "the index"),
        w("ptype", "PTYPE", "main | sub"),
        w("if_id", "IF_ID", "the xfrm interface id"),
    ],
    unsupported: &[],
};

/// `policy show` (`xfrm_policy_list_or_deleteall`); other words: the
/// selector.
pub const POLICY_SHOW: Cmd = Cmd {
    names: &["show", "list", "lst"],
    synopsis: "[ SELECTOR ] [ dir DIR ] [ index INDEX ] [ ptype PTYPE ] [ action ACTION ] [ priority PRIORITY ] [ flag FLAG-LIST ] [ nosock ]",
    about: "List policies (-j: JSON)",
    words: &[
        w("dir", "DIR", "in | out | fwd"),
        w("index", "INDEX", "only this index"),
        w("ptype", "PTYPE", "main | sub"),
        w("action", "ACTION", "allow | block"),
        w("priority", "PRIORITY", "only this priority"),
        w("flag", "FLAG-LIST", "localok | icmp"),
        w("nosock", "", "no socket policies"),
    ],
    unsupported: &[],
};

/// `policy flush` (`xfrm_policy_flush`).
pub const POLICY_FLUSH: Cmd = Cmd {
    names: &["flush"],
    synopsis: "[ ptype PTYPE ]",
    about: "Delete every policy (of one type) in the namespace",
    words: &[w("ptype", "PTYPE", "main | sub")],
    unsupported: &[],
};

pub const XFRM_POLICY: Object = Object {
    names: &["xfrm policy"],
    about: "IPsec security policies, as ip xfrm policy",
    commands: &[POLICY_SHOW, POLICY_ADD, POLICY_GET, POLICY_FLUSH],
    unsupported: &["deleteall", "delall", "count", "set", "setdefault", "getdefault"],
    defs: &[SELECTOR, ID],
    kinds: &[],
};

/// `monitor`, in `do_xfrm_monitor`'s order and match rules (`count` is
/// nlkit's).
pub const MONITOR: Cmd = Cmd {
    names: &["all"],
    synopsis: "[ all | OBJECTS ] [ count N ]",
    about: "Print SA and policy events (all groups unless some are named)",
    words: &[
        refused("file*"),
        refused("nokeys"),
        w("all", "", "every group (the default)"),
        refused("all-nsid*"),
        w("acquire*", "", "the kernel asking for SAs"),
        w("expire*", "", "SAs and policies expiring"),
        w("SA*", "", "SAs made, changed, deleted, flushed"),
        refused("aevent*"),
        w("policy*", "", "policies made, changed, deleted, flushed"),
        refused("report*"),
        w("count", "N", "stop after N events"),
    ],
    unsupported: &[],
};

pub const XFRM_MONITOR: Object = Object {
    names: &["xfrm monitor"],
    about: "IPsec events, as ip xfrm monitor",
    commands: &[MONITOR],
    unsupported: &[],
    defs: &["OBJECTS := { acquire | expire | SA | policy }..."],
    kinds: &[],
};

/// The object the top-level help and man page list.
pub const XFRM: Object = Object {
    names: &["xfrm"],
    about: "IPsec SAs and policies (NETLINK_XFRM), as ip xfrm",
    commands: &[
        Cmd {
            names: &["state", "sa"],
            synopsis: "{ show | add | update | delete | get | flush } ...",
            about: "Security associations (nlkit xfrm state help)",
            words: &[],
            unsupported: &[],
        },
        Cmd {
            names: &["policy"],
            synopsis: "{ show | add | update | delete | get | flush } ...",
            about: "Security policies (nlkit xfrm policy help)",
            words: &[],
            unsupported: &[],
        },
        Cmd {
            names: &["monitor"],
            synopsis: "[ all | OBJECTS ] [ count N ]",
            about: "Events",
            words: &[],
            unsupported: &[],
        },
    ],
    unsupported: &[],
    defs: &[],
    kinds: &[],
};

/// The sub-object `state`, `policy` or `monitor`.
pub fn object(name: &str) -> Option<&'static Object> {
    match name {
        "state" => Some(&XFRM_STATE),
        "policy" => Some(&XFRM_POLICY),
        "monitor" => Some(&XFRM_MONITOR),
        _ => None,
    }
}
