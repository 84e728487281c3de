//! `link add ... type KIND [ARGS]`: each kind's arguments, read by the
//! generic walker from the kind's table (`grammar::tables::LINK_KINDS`,
//! rows in the order and with the match rules of `ip`'s `iplink_*.c`
//! parser, its keywords nlkit lacks refused in place) into a
//! [`LinkKind`]; the messages are `ip`'s.

use super::route_args::{address, invarg};
use super::Ctx;
use crate::grammar::kinds::{
    KIND_BOND, KIND_BRIDGE, KIND_MACVLAN, KIND_VETH, KIND_VLAN, KIND_VXLAN,
};
use crate::grammar::walk::Walk;
use crate::words::{self as args, Args};
use anyhow::{bail, Context, Result};
use nlkit::rtnl::link::{BridgeSpec, LinkKind, VxlanSpec};
use nlkit::rtnl::uapi::*;
use nlkit::rtnl::AF_UNSPEC;

/// What a kind's words say, before names are resolved.
#[derive(Debug, Default)]
pub struct KindWords {
    peer: Option<String>,
    bridge: BridgeSpec,
    mode: Option<u32>,
    vxlan: VxlanSpec,
    vni: Option<u32>,
    dev: Option<String>,
    id: Option<u16>,
    protocol: Option<u16>,
    bond_mode: Option<u8>,
    miimon: Option<u32>,
}

/// The kind `kind` with the arguments after it; `link` is `link DEV`'s index.
pub fn kind(ctx: &mut Ctx, kind: &str, link: Option<u32>, mut a: Args) -> Result<LinkKind> {
    let needs_link = || link.with_context(|| format!("{kind}: \"link DEV\" is required"));
    let words: Vec<String> = a.by_ref().collect();
    let mut k = KindWords::default();
    match KINDS.iter().find(|w| w.cmd.names.contains(&kind)) {
        Some(walk) => {
            walk.run(&words, &mut k)?;
        }
        None if !words.is_empty() => {
            bail!("{kind}: nlkit knows no arguments of this kind (\"{}\")", words[0])
        }
        None => {}
    }
    let made = match kind {
        "veth" => LinkKind::Veth { peer: k.peer },
        "bridge" => LinkKind::Bridge(k.bridge),
        "macvlan" | "macvtap" => {
            LinkKind::Macvlan { link: needs_link()?, mode: k.mode, tap: kind == "macvtap" }
        }
        "vxlan" => {
            k.vxlan.id = k.vni.context("vxlan: missing virtual network identifier (\"id N\")")?;
            if let Some(d) = &k.dev {
                k.vxlan.dev = Some(ctx.ifindex(d)?);
            }
            LinkKind::Vxlan(k.vxlan)
        }
        "ifb" => LinkKind::Ifb,
        "vlan" => {
            let id = k.id.context("vlan: \"id N\" is required")?;
            LinkKind::Vlan { link: needs_link()?, id, protocol: k.protocol }
        }
        "bond" => LinkKind::Bond { mode: k.bond_mode, miimon: k.miimon },
        other => LinkKind::Other { kind: other.into(), data: None },
    };
    if link.is_some() && !matches!(made, LinkKind::Macvlan { .. } | LinkKind::Vlan { .. }) {
        bail!("{kind}: \"link DEV\" is only for macvlan, macvtap and vlan");
    }
    Ok(made)
}

/// A number as `get_u32` reads it, or `ip`'s `invalid NAME`.
fn number<T: std::str::FromStr + TryFrom<u64>>(v: &str, name: &str) -> Result<T> {
    args::number(v).ok_or_else(|| invarg(&format!("invalid {name}"), v))
}

/// A bridge row: a number in hundredths of a second (or a plain number).
macro_rules! bridge_row {
    ($name:literal, $field:ident) => {
        ($name, |k: &mut KindWords, v: &str| {
            k.bridge.$field = Some(number(v, $name)?);
            Ok(())
        })
    };
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

/// The walks of the kinds nlkit reads arguments of.
pub static KINDS: [Walk<KindWords>; 6] = [
    Walk {
        name: "link add type veth",
        cmd: &KIND_VETH,
        apply: &[],
        more: &[("peer", |k, rest| {
            let mut name = rest.value()?;
            if name == "name" {
                name = rest.value()?;
            }
            k.peer = Some(args::ifname(name.to_string())?);
            Ok(())
        })],
        other: None,
        stop: &[],
    },
    Walk {
        name: "link add type bridge",
        cmd: &KIND_BRIDGE,
        apply: &[
            bridge_row!("forward_delay", forward_delay),
            bridge_row!("hello_time", hello_time),
            bridge_row!("max_age", max_age),
            bridge_row!("ageing_time", ageing_time),
            bridge_row!("stp_state", stp_state),
            bridge_row!("priority", priority),
            ("vlan_filtering", |k, v| {
                k.bridge.vlan_filtering = Some(number::<u8>(v, "vlan_filtering")? != 0);
                Ok(())
            }),
        ],
        more: &[],
        other: None,
        stop: &[],
    },
    Walk {
        name: "link add type macvlan",
        cmd: &KIND_MACVLAN,
        apply: &[("mode", |k, v| {
            k.mode = Some(match v {
                "private" => MACVLAN_MODE_PRIVATE,
                "vepa" => MACVLAN_MODE_VEPA,
                "bridge" => MACVLAN_MODE_BRIDGE,
                "passthru" => MACVLAN_MODE_PASSTHRU,
                "source" => MACVLAN_MODE_SOURCE,
                _ => bail!(
                    "argument of \"mode\" must be \"private\", \"vepa\", \"bridge\", \
                     \"passthru\" or \"source\", not \"{v}\""
                ),
            });
            Ok(())
        })],
        more: &[],
        other: None,
        stop: &[],
    },
    Walk {
        name: "link add type vxlan",
        cmd: &KIND_VXLAN,
        apply: &[
            ("id", |k, v| {
                let id: u32 = number(v, "id")?;
                if id >= 1 << 24 {
                    return Err(invarg("invalid id", v));
                }
                k.vni = Some(id);
                Ok(())
            }),
            ("group", |k, v| {
                k.vxlan.remote = Some(address(v, AF_UNSPEC)?);
                Ok(())
            }),
            ("remote", |k, v| {
                k.vxlan.remote = Some(address(v, AF_UNSPEC)?);
                Ok(())
            }),
            ("local", |k, v| {
                k.vxlan.local = Some(address(v, AF_UNSPEC)?);
                Ok(())
            }),
            ("dev", |k, v| {
                k.dev = Some(v.to_string());
                Ok(())
            }),
            ("ttl", |k, v| {
                k.vxlan.ttl = Some(match v {
                    "auto" => 0,
                    "inherit" => bail!("\"ttl inherit\" is not supported by nlkit"),
                    _ => number(v, "TTL")?,
                });
                Ok(())
            }),
            ("dstport", |k, v| {
                k.vxlan.port = Some(args::number(v).ok_or_else(|| invarg("dstport", v))?);
                Ok(())
            }),
            ("nolearning", |k, _| {
                k.vxlan.learning = Some(false);
                Ok(())
            }),
            ("learning", |k, _| {
                k.vxlan.learning = Some(true);
                Ok(())
            }),
        ],
        more: &[],
        other: None,
        stop: &[],
    },
    Walk {
        name: "link add type vlan",
        cmd: &KIND_VLAN,
        apply: &[
            ("protocol", |k, v| {
                k.protocol = Some(match v.to_ascii_lowercase().as_str() {
                    "802.1q" => ETH_P_8021Q,
                    "802.1ad" => ETH_P_8021AD,
                    _ => return Err(invarg("protocol is invalid", v)),
                });
                Ok(())
            }),
            ("id", |k, v| {
                k.id = Some(args::number(v).ok_or_else(|| invarg("id is invalid", v))?);
                Ok(())
            }),
        ],
        more: &[],
        other: None,
        stop: &[],
    },
    Walk {
        name: "link add type bond",
        cmd: &KIND_BOND,
        apply: &[
            ("mode", |k, v| {
                let named = BOND_MODES.iter().position(|n| *n == v).map(|i| i as u8);
                let n = named.or_else(|| args::number(v).filter(|&n: &u8| n <= BOND_MODE_ALB));
                k.bond_mode = Some(n.ok_or_else(|| invarg("invalid mode", v))?);
                Ok(())
            }),
            ("miimon", |k, v| {
                k.miimon = Some(number(v, "miimon")?);
                Ok(())
            }),
        ],
        more: &[],
        other: None,
        stop: &[],
    },
];
