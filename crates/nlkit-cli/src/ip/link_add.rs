//! `link add ... type KIND [ARGS]`: each kind's arguments, read with
//! `ip link`'s words into a [`LinkKind`].

use super::Ctx;
use crate::words::{self as args, Args};
use anyhow::{anyhow, bail, Context, Result};
use nlkit::rtnl::link::{BridgeSpec, LinkKind, VxlanSpec};
use nlkit::rtnl::uapi::*;

/// The kind `kind` with the arguments after it; `link` is `link DEV`'s index.
pub fn kind(ctx: &mut Ctx, kind: &str, link: Option<u32>, mut a: Args) -> Result<LinkKind> {
    let needs_link = || link.with_context(|| format!("{kind}: \"link DEV\" is required"));
    let k = match kind {
        "veth" => veth(&mut a)?,
        "bridge" => LinkKind::Bridge(bridge(&mut a)?),
        "macvlan" => LinkKind::Macvlan { link: needs_link()?, mode: macvlan_mode(&mut a)? },
        "vxlan" => LinkKind::Vxlan(vxlan(ctx, &mut a)?),
        "ifb" => LinkKind::Ifb,
        "vlan" => vlan(&mut a, needs_link()?)?,
        "bond" => bond(&mut a)?,
        other => LinkKind::Other { kind: other.into(), data: None },
    };
    if let Some(w) = a.next() {
        bail!("{kind}: unexpected argument \"{w}\"");
    }
    if link.is_some() && !matches!(k, LinkKind::Macvlan { .. } | LinkKind::Vlan { .. }) {
        bail!("{kind}: \"link DEV\" is only for macvlan and vlan");
    }
    Ok(k)
}

/// `peer [name] NAME`.
fn veth(a: &mut Args) -> Result<LinkKind> {
    let mut peer = None;
    while let Some(w) = a.next() {
        args::keyword(&w, &["peer"])?;
        let mut name = a.value("peer")?;
        if name == "name" {
            name = a.value("name")?;
        }
        peer = Some(args::ifname(name)?);
    }
    Ok(LinkKind::Veth { peer })
}

fn bridge(a: &mut Args) -> Result<BridgeSpec> {
    const WORDS: [&str; 7] = [
        "forward_delay",
        "hello_time",
        "max_age",
        "ageing_time",
        "stp_state",
        "priority",
        "vlan_filtering",
    ];
    let mut b = BridgeSpec::default();
    while let Some(w) = a.next() {
        let k = args::keyword(&w, &WORDS)?;
        let v: u32 = a.parsed(k, args::number)?;
        match k {
            "forward_delay" => b.forward_delay = Some(v),
            "hello_time" => b.hello_time = Some(v),
            "max_age" => b.max_age = Some(v),
            "ageing_time" => b.ageing_time = Some(v),
            "stp_state" => b.stp_state = Some(v),
            "priority" => b.priority = Some(u16::try_from(v).context("invalid \"priority\"")?),
            _ => b.vlan_filtering = Some(v != 0),
        }
    }
    Ok(b)
}

fn macvlan_mode(a: &mut Args) -> Result<Option<u32>> {
    let mut mode = None;
    while let Some(w) = a.next() {
        args::keyword(&w, &["mode"])?;
        let m = a.value("mode")?;
        mode = Some(match m.as_str() {
            "private" => MACVLAN_MODE_PRIVATE,
            "vepa" => MACVLAN_MODE_VEPA,
            "bridge" => MACVLAN_MODE_BRIDGE,
            "passthru" => MACVLAN_MODE_PASSTHRU,
            "source" => MACVLAN_MODE_SOURCE,
            _ => bail!("mode \"{m}\": expected private, vepa, bridge, passthru or source"),
        });
    }
    Ok(mode)
}

fn vxlan(ctx: &mut Ctx, a: &mut Args) -> Result<VxlanSpec> {
    const WORDS: [&str; 10] = [
        "id|vni",
        "dev",
        "dstport",
        "remote",
        "local",
        "group",
        "ttl|hoplimit",
        "learning",
        "nolearning",
        "port",
    ];
    let mut v = VxlanSpec::default();
    let mut id = None;
    while let Some(w) = a.next() {
        match args::keyword(&w, &WORDS)? {
            "id" => id = Some(a.parsed("id", args::number)?),
            "dev" => v.dev = Some(ctx.ifindex(&a.value("dev")?)?),
            "dstport" | "port" => v.port = Some(a.parsed("dstport", args::number)?),
            "remote" | "group" => v.remote = Some(a.parsed(&w, |s| s.parse().ok())?),
            "local" => v.local = Some(a.parsed("local", |s| s.parse().ok())?),
            "ttl" => {
                v.ttl =
                    Some(a.parsed("ttl", |s| if s == "auto" { Some(0) } else { args::number(s) })?)
            }
            k => v.learning = Some(k == "learning"),
        }
    }
    v.id = id.ok_or_else(|| anyhow!("vxlan: missing virtual network identifier (\"id N\")"))?;
    Ok(v)
}

fn vlan(a: &mut Args, link: u32) -> Result<LinkKind> {
    let (mut id, mut protocol) = (None, None);
    while let Some(w) = a.next() {
        match args::keyword(&w, &["id", "protocol"])? {
            "id" => id = Some(a.parsed("id", args::number)?),
            _ => {
                let p = a.value("protocol")?;
                protocol = Some(match p.to_ascii_lowercase().as_str() {
                    "802.1q" => ETH_P_8021Q,
                    "802.1ad" => ETH_P_8021AD,
                    _ => bail!("protocol \"{p}\": expected 802.1q or 802.1ad"),
                });
            }
        }
    }
    let id = id.context("vlan: \"id N\" is required")?;
    Ok(LinkKind::Vlan { link, id, protocol })
}

const BOND_MODES: [&str; 7] = [
    "balance-rr",
    "active-backup",
    "balance-xor",
    "broadcast",
    "802.3ad",
    "balance-tlb",
    "balance-alb",
];

fn bond(a: &mut Args) -> Result<LinkKind> {
    let (mut mode, mut miimon) = (None, None);
    while let Some(w) = a.next() {
        match args::keyword(&w, &["mode", "miimon"])? {
            "mode" => {
                let m = a.value("mode")?;
                let named = BOND_MODES.iter().position(|n| *n == m).map(|i| i as u8);
                let n = named.or_else(|| args::number(&m).filter(|&n: &u8| n <= BOND_MODE_ALB));
                mode = Some(n.with_context(|| format!("invalid bond mode \"{m}\""))?);
            }
            _ => miimon = Some(a.parsed("miimon", args::number)?),
        }
    }
    Ok(LinkKind::Bond { mode, miimon })
}
