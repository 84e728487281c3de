//! Listings of every link printed as the dump delivers them, in the
//! kernel's order, without holding the dump.
//!
//! A link's line names other links: its parent (`veth1@veth0`), its
//! master, and with `-d` whatever its kind data names. The kernel may send
//! those after the link (a veth's first side comes before its peer, a
//! bridge made after its ports comes after them), so `ip` keeps the whole
//! dump before printing; for 20,000 links that is 28 MiB and a page fault
//! every 4 KiB. Here each link is printed as soon as the links its line
//! names have come; one that names a link still to come waits, with every
//! link after it, and only the waiting messages are kept. What only the
//! end of the dump gives (the names of peer namespaces, asked for after
//! it; the links kind data may name) makes the rest wait for the end.

use super::link::netns_names;
use super::Ctx;
use crate::names::LinkNames;
use crate::out::Output;
use anyhow::Result;
use nlkit::rtnl::link::Link;
use nlkit::rtnl::uapi::RTM_GETLINK;
use nlkit::wire::MessageBuffer;
use std::collections::{HashMap, VecDeque};

/// What a link's line needs that the dump has not brought yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wait {
    /// The link with this index (the parent or master the line names).
    Link(u32),
    /// The end of the dump.
    End,
}

fn wait_for(l: &Link<'_>, names: &LinkNames, details: bool, json: bool) -> Option<Wait> {
    if (details && l.linkinfo.is_some()) || (l.link_netnsid.is_some() && !json) {
        return Some(Wait::End);
    }
    let parent = l.link.filter(|_| l.link_netnsid.is_none());
    [parent, l.master].into_iter().flatten().find(|&i| i != 0 && !names.contains(i)).map(Wait::Link)
}

/// Dumps every link (with [`Ctx::link_filter`]) and hands each to `print`
/// with the names known by then and the names of peer namespaces (empty
/// before the end), in the kernel's order; keeps the names in `ctx`.
pub fn in_order(
    ctx: &mut Ctx,
    mut print: impl FnMut(
        &mut Output,
        &Link<'_>,
        &LinkNames,
        &HashMap<i32, String>,
    ) -> nlkit::Result<()>,
) -> Result<()> {
    let (details, json) = (ctx.details, ctx.out.json());
    let filter = ctx.link_filter();
    let no_netns = HashMap::new();
    let mut names = LinkNames::default();
    let mut waiting: VecDeque<Vec<u8>> = VecDeque::new();
    // What the first waiting link waits for.
    let mut blocked: Option<Wait> = None;
    let (conn, out) = (&mut ctx.conn, &mut ctx.out);
    conn.dump(
        RTM_GETLINK,
        |b| filter.emit(b),
        |m| {
            let l = Link::parse(&m)?;
            names.record(&l);
            match blocked {
                None => match wait_for(&l, &names, details, json) {
                    None => return print(out, &l, &names, &no_netns),
                    Some(w) => blocked = Some(w),
                },
                Some(Wait::Link(i)) if i == l.index() => blocked = None,
                Some(_) => {}
            }
            waiting.push_back(m.bytes().to_vec());
            while blocked.is_none() {
                let Some(front) = waiting.front() else { break };
                let l = Link::parse(&MessageBuffer::new_checked(front.as_slice())?)?;
                blocked = wait_for(&l, &names, details, json);
                if blocked.is_none() {
                    print(out, &l, &names, &no_netns)?;
                    waiting.pop_front();
                }
            }
            Ok(())
        },
    )?;
    let netns = if !json && names.any_netnsid && !waiting.is_empty() {
        netns_names(conn)
    } else {
        HashMap::new()
    };
    for m in &waiting {
        print(out, &Link::parse(&MessageBuffer::new_checked(m.as_slice())?)?, &names, &netns)?;
    }
    ctx.set_links(names);
    Ok(())
}
