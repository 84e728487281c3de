//! `nlkit ss -E`: sockets as the kernel destroys them
//! ([`nlkit::diag::destroyed`]), one line each as it happens, in ss's
//! columns, each line as wide as the widest seen so far (ss renders after
//! every event and keeps its columns' measures). The groups follow `-t`,
//! `-u`, `-4` and `-6`; a filter is applied to each socket here (the
//! kernel filters dumps, not events). `-j` prints one JSON object a line.

use super::{columns, facts, push_json, push_row, read, IfNames, Options, Row, Services};
use super::{details, render::Table};
use anyhow::{bail, Result};
use nlkit::diag::destroyed::{Destroyed, Event};
use nlkit::sub::{Item, Subscription};
use nlkit::Netns;
use std::io::Write;

/// Follows destroyed sockets until interrupted (or stdout closes).
pub fn follow(
    o: &Options,
    netns: Option<&str>,
    json: bool,
    filter: Option<&super::filter::Ready>,
) -> Result<()> {
    let (v4, v6) = match o.family.map(i32::from) {
        Some(libc::AF_INET) => (true, false),
        Some(_) => (false, true),
        None => (true, true),
    };
    let (tcp, udp) = (o.protocols.contains(&6), o.protocols.contains(&17));
    let source = Destroyed { tcp4: tcp && v4, udp4: udp && v4, tcp6: tcp && v6, udp6: udp && v6 };
    if !(tcp || udp) {
        bail!("ss -E follows TCP and UDP sockets: give -t or -u (or neither)");
    }
    let mut sub = match netns {
        Some(name) => Subscription::open_in(Netns::Name(name), source)?,
        None => Subscription::open(source)?,
    };
    let _ = sub.socket().raise_recv_buffer(crate::report::monitor_rcvbuf());
    crate::report::note!("following destroyed sockets");
    // ss resolves ports here with no protocol set: a port's first line
    // in /etc/services names it, whatever its protocol.
    let services = (!o.numeric && !json).then(Services::load_any_protocol);
    let mut ifnames = IfNames::new(netns);
    let mut users = o.processes.then(details::Users::scan);
    let mut table = Table::new(columns(o), o.header);
    let mut stdout = std::io::stdout().lock();
    loop {
        let mut out = Vec::new();
        for item in sub.recv()? {
            let v = match item {
                Item::Event { event: Event::Socket(v), .. } => v,
                Item::Overrun => {
                    crate::report::note!("events were lost (receive buffer overrun)");
                    continue;
                }
                _ => continue,
            };
            let netid = match v.protocol {
                Some(6) => "tcp",
                Some(17) => "udp",
                _ => "???",
            };
            let r: Row<'_> = read(netid, &v);
            if let Some(f) = filter {
                if !f.expr.matches(&facts(&r, &f.ephemeral)) {
                    continue;
                }
            }
            if json {
                push_json(&mut out, &r, users.as_mut());
                out.push(b'\n');
                continue;
            }
            push_row(&mut table, o, &r, &mut ifnames, services.as_ref(), None, users.as_mut());
            table.print(&mut out, None)?;
            table.clear_rows();
        }
        let wrote = stdout.write_all(&out).and_then(|()| stdout.flush());
        if wrote.is_err() {
            // The reader went away: done.
            return Ok(());
        }
    }
}
