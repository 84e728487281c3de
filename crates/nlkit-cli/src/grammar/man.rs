//! Man pages in roff (`nlkit man [OBJECT]`), one per object, generated
//! from the object tables; `doc/man/` holds them as generated, and a test
//! fails when they drift from the tables.

use super::{tables::OBJECTS, Object};
use std::fmt::Write as _;

/// Escapes text for roff: backslashes, and a leading `.` or `'`.
fn esc(text: &str) -> String {
    let t = text.replace('\\', "\\e").replace('-', "\\-");
    if t.starts_with('.') || t.starts_with('\'') {
        format!("\\&{t}")
    } else {
        t
    }
}

/// The page of `o`, as `nlkit-OBJECT(8)`.
pub fn page(o: &Object) -> String {
    let name = o.name();
    let mut s = String::new();
    let _ = writeln!(s, ".TH NLKIT\\-{} 8 \"\" \"nlkit\" \"nlkit manual\"", name.to_uppercase());
    let _ = writeln!(s, ".SH NAME\nnlkit\\-{name} \\- {}", esc(o.about));
    let _ = writeln!(s, ".SH SYNOPSIS");
    for c in o.commands {
        let _ = writeln!(s, ".B nlkit\n.RI [ OPTIONS ]\n.B {name} {}", esc(c.names[0]));
        let _ = writeln!(s, "{}\n.br", esc(c.synopsis));
    }
    let _ = writeln!(s, ".SH COMMANDS");
    for c in o.commands {
        let _ = writeln!(s, ".SS {}", esc(&c.names.join(", ")));
        let _ = writeln!(s, "{}.", esc(c.about));
        for k in c.keywords() {
            // `\:` lets a long list of aliases break after each `|`.
            let word = esc(&k.names().collect::<Vec<_>>().join("|")).replace('|', "|\\:");
            if k.value.is_empty() {
                let _ = writeln!(s, ".TP\n.B {word}");
            } else {
                let _ = writeln!(s, ".TP\n.BI \"{word} \" \"{}\"", esc(k.value));
            }
            let _ = writeln!(s, "{}", esc(k.help));
        }
        if c.has_unsupported() {
            let _ = writeln!(
                s,
                ".PP\nNot supported by nlkit yet (refused, never guessed): {}.",
                esc(&c.unsupported_names())
            );
        }
    }
    for k in o.kinds {
        let _ = writeln!(s, ".SS type {} {}", esc(k.names[0]), esc(k.synopsis));
        let _ = writeln!(s, "{}.", esc(k.about));
        for w in k.keywords() {
            let word = esc(&w.names().collect::<Vec<_>>().join("|")).replace('|', "|\\:");
            let _ = writeln!(s, ".TP\n.BI \"{word} \" \"{}\"", esc(w.value));
            let _ = writeln!(s, "{}", esc(w.help));
        }
        if k.has_unsupported() {
            let _ =
                writeln!(s, ".PP\nNot supported by nlkit yet: {}.", esc(&k.unsupported_names()));
        }
    }
    if !o.defs.is_empty() {
        let _ = writeln!(s, ".SH VALUES\n.nf");
        for d in o.defs {
            let _ = writeln!(s, "{}", esc(d));
        }
        let _ = writeln!(s, ".fi");
    }
    if !o.unsupported.is_empty() {
        let _ = writeln!(
            s,
            ".SH NOT SUPPORTED\n\\fBip {name}\\fR commands nlkit does not have yet: {}.",
            esc(&o.unsupported.join(", "))
        );
    }
    let _ = writeln!(
        s,
        ".SH SEE ALSO\n.BR nlkit (8),\n.BR ip\\-{name} (8)\n.PP\n`nlkit {name} help` prints the same usage."
    );
    s
}

/// The top-level page, `nlkit(8)`: the objects and the global options.
pub fn index(help: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, ".TH NLKIT 8 \"\" \"nlkit\" \"nlkit manual\"");
    let _ = writeln!(s, ".SH NAME\nnlkit \\- talk to the Linux kernel over netlink");
    let _ = writeln!(s, ".SH DESCRIPTION\n.nf");
    for line in help.lines() {
        let _ = writeln!(s, "{}", esc(line));
    }
    let _ = writeln!(s, ".fi\n.SH OBJECTS");
    for o in OBJECTS {
        let _ = writeln!(s, ".TP\n.BR nlkit\\-{} (8)\n{}", o.name(), esc(o.about));
    }
    s
}
