//! `xfrm`'s tables: the object (`state`, `policy`, `monitor`) for the
//! top-level help and man page, and one object per xfrm object for its
//! own help and the refusal of what ip 6.1 has and nlkit does not.

use super::{w, Cmd, Object};

const ID: &str = "ID := [ src ADDR ] [ dst ADDR ] [ proto XFRM-PROTO ] [ spi SPI ]";

const STATE_ADD: Cmd = Cmd {
    names: &["add", "update"],
    synopsis: "ID [ ALGO-LIST ] [ mode MODE ] [ mark MARK [ mask MASK ] ] [ reqid REQID ] [ seq SEQ ] [ replay-window SIZE ] [ flag FLAG-LIST ] [ sel SELECTOR ] [ limit LIMIT ]... [ encap ENCAP ] [ if_id IF_ID ]",
    about: "Make (or replace) an SA",
    words: &[
        w("mode", "MODE", "transport | tunnel | beet | ro | in_trigger"),
        w("mark", "MARK", "the SA's mark (then [ mask MASK ])"),
        w("reqid", "REQID", "the request id policies' templates name"),
        w("seq", "SEQ", "the sequence number"),
        w("replay-window", "SIZE", "the replay window (over 32, or with esn: the ESN state)"),
        w("replay-seq", "SEQ", "replay state: input sequence"),
        w("replay-oseq", "SEQ", "replay state: output sequence"),
        w("replay-seq-hi", "SEQ", "ESN: input sequence, high half"),
        w("replay-oseq-hi", "SEQ", "ESN: output sequence, high half"),
        w("flag", "FLAG", "noecn | decap-dscp | nopmtudisc | wildrecv | icmp | af-unspec | align4 | esn"),
        w("extra-flag", "EXTRA-FLAG", "dont-encap-dscp | oseq-may-wrap"),
        w("sel", "SELECTOR", "the traffic the SA covers"),
        w("limit", "LIMIT", "time-soft | time-hard | ... SECONDS, byte-* SIZE, packet-* COUNT"),
        w("encap", "ENCAP", "espinudp | espinudp-nonike | espintcp SPORT DPORT OADDR"),
        w("output-mark", "MARK", "the mark of packets out (then [ mask MASK ])"),
        w("if_id", "IF_ID", "the xfrm interface id"),
        w("tfcpad", "LENGTH", "traffic flow confidentiality padding"),
        w("enc", "NAME KEY", "encryption"),
        w("auth", "NAME KEY", "authentication"),
        w("auth-trunc", "NAME KEY LEN", "authentication, truncated to LEN bits"),
        w("aead", "NAME KEY ICV-LEN", "authenticated encryption"),
        w("comp", "NAME", "compression"),
    ],
    unsupported: &["coa", "ctx", "offload"],
};

pub const XFRM_STATE: Object = Object {
    names: &["xfrm state"],
    about: "IPsec security associations, as ip xfrm state",
    commands: &[
        Cmd {
            names: &["show", "list", "lst"],
            synopsis: "[ nokeys ] [ ID ] [ mode MODE ] [ reqid REQID ] [ flag FLAG-LIST ]",
            about: "List SAs (-j: JSON)",
            words: &[
                w("nokeys", "", "hide the keys"),
                w("mode", "MODE", "only this mode"),
                w("reqid", "REQID", "only this request id"),
                w("flag", "FLAG", "only SAs with this flag"),
            ],
            unsupported: &[],
        },
        STATE_ADD,
        Cmd {
            names: &["delete", "get"],
            synopsis: "ID [ mark MARK [ mask MASK ] ]",
            about: "Delete (or print) the SA the ID names",
            words: &[w("mark", "MARK", "the SA's mark")],
            unsupported: &[],
        },
        Cmd {
            names: &["flush"],
            synopsis: "[ proto XFRM-PROTO ]",
            about: "Delete every SA (of one protocol) in the namespace",
            words: &[w("proto", "XFRM-PROTO", "esp | ah | comp | route2 | hao | ipsec-any")],
            unsupported: &[],
        },
    ],
    unsupported: &["allocspi", "deleteall", "delall", "count"],
    defs: &[ID, "XFRM-PROTO := esp | ah | comp | route2 | hao"],
    kinds: &[],
};

const SELECTOR: &str =
    "SELECTOR := [ src ADDR[/PLEN] ] [ dst ADDR[/PLEN] ] [ proto PROTO [ sport PORT ] [ dport PORT ] [ type N ] [ code N ] ]";

pub const XFRM_POLICY: Object = Object {
    names: &["xfrm policy"],
    about: "IPsec security policies, as ip xfrm policy",
    commands: &[
        Cmd {
            names: &["show", "list", "lst"],
            synopsis: "[ SELECTOR ] [ dir DIR ] [ index INDEX ] [ ptype PTYPE ] [ action ACTION ] [ priority PRIORITY ] [ flag FLAG ] [ nosock ]",
            about: "List policies (-j: JSON)",
            words: &[
                w("dir", "DIR", "in | out | fwd"),
                w("index", "INDEX", "only this index"),
                w("ptype", "PTYPE", "main | sub"),
                w("action", "ACTION", "allow | block"),
                w("priority", "PRIORITY", "only this priority"),
                w("flag", "FLAG", "localok | icmp"),
                w("nosock", "", "no socket policies"),
            ],
            unsupported: &[],
        },
        Cmd {
            names: &["add", "update"],
            synopsis: "SELECTOR dir DIR [ mark MARK [ mask MASK ] ] [ index INDEX ] [ ptype PTYPE ] [ action ACTION ] [ priority PRIORITY ] [ flag FLAG ] [ limit LIMIT ]... [ tmpl TMPL ]... [ if_id IF_ID ]",
            about: "Make (or replace) a policy",
            words: &[
                w("dir", "DIR", "in | out | fwd"),
                w("mark", "MARK", "the policy's mark (then [ mask MASK ])"),
                w("index", "INDEX", "the index"),
                w("ptype", "PTYPE", "main | sub"),
                w("action", "ACTION", "allow | block"),
                w("priority", "PRIORITY", "the priority"),
                w("flag", "FLAG", "localok | icmp"),
                w("limit", "LIMIT", "as for state add"),
                w("tmpl", "TMPL", "[ ID ] [ mode MODE ] [ reqid REQID ] [ level required | use ]"),
                w("if_id", "IF_ID", "the xfrm interface id"),
            ],
            unsupported: &["ctx"],
        },
        Cmd {
            names: &["delete", "get"],
            synopsis: "{ SELECTOR | index INDEX } dir DIR [ mark MARK [ mask MASK ] ] [ ptype PTYPE ] [ if_id IF_ID ]",
            about: "Delete (or print) the policy named",
            words: &[
                w("dir", "DIR", "in | out | fwd"),
                w("mark", "MARK", "the policy's mark"),
                w("index", "INDEX", "the index"),
                w("ptype", "PTYPE", "main | sub"),
                w("if_id", "IF_ID", "the xfrm interface id"),
            ],
            unsupported: &["ctx"],
        },
        Cmd {
            names: &["flush"],
            synopsis: "[ ptype PTYPE ]",
            about: "Delete every policy (of one type) in the namespace",
            words: &[w("ptype", "PTYPE", "main | sub")],
            unsupported: &[],
        },
    ],
    unsupported: &["deleteall", "delall", "count", "set", "setdefault", "getdefault"],
    defs: &[SELECTOR, ID],
    kinds: &[],
};

pub const XFRM_MONITOR: Object = Object {
    names: &["xfrm monitor"],
    about: "IPsec events, as ip xfrm monitor",
    commands: &[Cmd {
        names: &["all"],
        synopsis: "[ all | OBJECTS ] [ count N ]",
        about: "Print SA and policy events (all groups unless some are named)",
        words: &[w("count", "N", "stop after N events")],
        unsupported: &["file", "nokeys", "all-nsid", "aevent", "report"],
    }],
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
