//! The words of `nlkit route`, read by the generic walker from the route
//! tables (`grammar::tables::ROUTE_SHOW`, `ROUTE_GET`, `ROUTE_ADD`, rows
//! in `ip`'s order with its match rules): each command's words into a
//! plain struct of values and names. Device names are resolved after the
//! walk, with the connection (`route.rs`); nothing here sends.

use super::route_args::*;
use super::route_print::View;
use crate::grammar::tables::{ROUTE_ADD, ROUTE_GET, ROUTE_SHOW};
use crate::grammar::walk::{Rest, Walk};
use anyhow::{bail, Result};
use nlkit::rtnl::names;
use nlkit::rtnl::route::nexthop::NexthopSpec;
use nlkit::rtnl::route::{RouteFilter, RouteSpec};
use nlkit::rtnl::uapi::*;
use nlkit::rtnl::AF_UNSPEC;
use std::net::IpAddr;

/// A number as `get_unsigned` reads it, or `ip`'s message.
fn number(v: &str, what: &str) -> Result<u32> {
    unsigned(v).ok_or_else(|| invarg(what, v))
}

/// `via [FAMILY] ADDRESS`: the family word, when there is one, and the
/// address word.
fn via_words<'w>(rest: &mut Rest<'w>, family: u8) -> Result<(u8, &'w str)> {
    let v = rest.value()?;
    match read_family(v) {
        AF_UNSPEC => Ok((family, v)),
        named => Ok((named, rest.value()?)),
    }
}

/// What a selector (`show`, `flush`, `save`) says: the client-side filter,
/// the kernel's, the table, how `show` prints, and the devices by name.
pub(super) struct SelectWords {
    /// The family of `-4`/`-6` (`AF_UNSPEC`: none).
    pub family: u8,
    pub filter: ShowFilter,
    pub kernel: RouteFilter,
    pub table: u32,
    pub view: View,
    pub oif: Option<String>,
    pub iif: Option<String>,
}

impl SelectWords {
    pub(super) fn new(family: u8, view: View) -> SelectWords {
        SelectWords {
            family,
            filter: ShowFilter {
                rdst: Prefix::NONE,
                mdst: Prefix::NO_MATCH,
                rsrc: Prefix::NONE,
                msrc: Prefix::NO_MATCH,
                rvia: Prefix::NONE,
                rprefsrc: Prefix::NONE,
                tos: None,
                iif: None,
                oif: None,
                mark: None,
                metric: None,
                realms: None,
            },
            kernel: RouteFilter::default(),
            table: RT_TABLE_MAIN,
            view,
            oif: None,
            iif: None,
        }
    }

    /// `[root|match|exact] PREFIX` after `to` or `from` (`first` is the
    /// word after the keyword): the (root, match) pair.
    fn prefixes(
        &self,
        first: &str,
        rest: &mut Rest<'_>,
        pair: (Prefix, Prefix),
    ) -> Result<(Prefix, Prefix)> {
        let (root, within) = pair;
        if matches(first, "root") {
            Ok((Prefix::parse(rest.value()?, self.family)?, within))
        } else if matches(first, "match") {
            Ok((root, Prefix::parse(rest.value()?, self.family)?))
        } else {
            let word = if matches(first, "exact") { rest.value()? } else { first };
            let p = Prefix::parse(word, self.family)?;
            Ok((p, p))
        }
    }

    fn to(&mut self, first: &str, rest: &mut Rest<'_>) -> Result<()> {
        let pair = (self.filter.rdst, self.filter.mdst);
        (self.filter.rdst, self.filter.mdst) = self.prefixes(first, rest, pair)?;
        Ok(())
    }
}

/// `route show|flush|save`: every row of `ROUTE_SHOW`; any other word is
/// the destination.
pub(super) static SELECT: Walk<SelectWords> = Walk {
    name: "route show",
    cmd: &ROUTE_SHOW,
    apply: &[
        ("table", |s, v| {
            match names::parse_route_table(v) {
                Some(t) => s.table = t,
                None if v == "all" => s.table = 0,
                None if v == "cache" => s.kernel.cloned = true,
                None => return Err(invarg("table id value is invalid", v)),
            }
            Ok(())
        }),
        ("cached", |s, _| {
            s.kernel.cloned = true;
            Ok(())
        }),
        ("tos", |s, v| {
            s.filter.tos = Some(dsfield(v).ok_or_else(|| invarg("TOS value is invalid", v))?);
            s.view.hide_tos = true;
            Ok(())
        }),
        ("protocol", |s, v| {
            match names::parse_route_protocol(v) {
                Some(p) => {
                    s.kernel.protocol = Some(p);
                    s.view.hide_protocol = true;
                }
                None if v == "all" => {}
                None => return Err(invarg("invalid \"protocol\"", v)),
            }
            Ok(())
        }),
        ("scope", |s, v| {
            match names::parse_route_scope(v) {
                Some(scope) => {
                    s.kernel.scope = Some(scope);
                    s.view.hide_scope = true;
                }
                None if v == "all" => {}
                None => return Err(invarg("invalid \"scope\"", v)),
            }
            Ok(())
        }),
        ("type", |s, v| {
            let t = names::parse_route_type(v);
            s.kernel.kind = Some(t.ok_or_else(|| invarg("node type value is invalid", v))?);
            Ok(())
        }),
        ("dev", |s, v| {
            s.oif = Some(v.to_string());
            Ok(())
        }),
        ("iif", |s, v| {
            s.iif = Some(v.to_string());
            Ok(())
        }),
        ("mark", |s, v| {
            s.filter.mark = Some(number(v, "invalid mark value")?);
            Ok(())
        }),
        ("metric", |s, v| {
            s.filter.metric = Some(number(v, "\"metric\" value is invalid")?);
            s.view.hide_metric = true;
            Ok(())
        }),
        ("src", |s, v| {
            s.filter.rprefsrc = Prefix::parse(v, s.family)?;
            Ok(())
        }),
        ("realms", |s, v| {
            let (realm, mask) = realms_filter(v).ok_or_else(|| invarg("invalid realms", v))?;
            s.filter.realms = Some((realm, mask));
            s.view.hide_realms = mask == u32::MAX;
            Ok(())
        }),
    ],
    more: &[
        ("via", |s, rest| {
            let (family, addr) = via_words(rest, s.family)?;
            s.filter.rvia = Prefix::parse(addr, family)?;
            Ok(())
        }),
        ("from", |s, rest| {
            let first = rest.value()?;
            let pair = (s.filter.rsrc, s.filter.msrc);
            (s.filter.rsrc, s.filter.msrc) = s.prefixes(first, rest, pair)?;
            Ok(())
        }),
        ("to", |s, rest| {
            let first = rest.value()?;
            s.to(first, rest)
        }),
    ],
    other: Some(|s, rest| s.to(rest.word(), rest)),
    stop: &[],
};

/// What `route get` says, devices by name.
#[derive(Debug, Default)]
pub(super) struct GetWords {
    /// The family of `-4`/`-6`, then of the first address read.
    pub family: u8,
    pub dst: Option<IpAddr>,
    pub src: Option<IpAddr>,
    pub iif: Option<String>,
    pub oif: Option<String>,
    pub mark: u32,
    pub uid: Option<u32>,
    pub tos: u8,
    pub fib_match: bool,
    pub ip_proto: Option<u8>,
    pub sport: Option<u16>,
    pub dport: Option<u16>,
}

const IP_PROTOS: [(&str, u8); 6] =
    [("icmp", 1), ("tcp", 6), ("udp", 17), ("ipv6-icmp", 58), ("sctp", 132), ("udplite", 136)];

impl GetWords {
    /// The destination (`to ADDRESS`, or a word no keyword matches).
    fn dst(&mut self, w: &str) -> Result<()> {
        let p = Prefix::parse(w, self.family)?;
        self.family = p.family;
        let full = full_len(self.family) as i32;
        if p.len != full {
            crate::report::note!(
                "Warning: /{} as prefix is invalid, only /{full} (or none) is supported.",
                p.len
            );
        }
        match p.ip() {
            Some(ip) => self.dst = Some(ip),
            None => bail!("need at least a destination address"),
        }
        Ok(())
    }
}

/// A port as `get_be16` reads it, or `ip`'s message (`invalid sport`).
fn port(v: &str, what: &str) -> Result<Option<u16>> {
    let n = unsigned(v).and_then(|n| u16::try_from(n).ok());
    Ok(Some(n.ok_or_else(|| invarg(what, v))?))
}

/// `route get`: every row of `ROUTE_GET`; any other word is the
/// destination.
pub(super) static GET: Walk<GetWords> = Walk {
    name: "route get",
    cmd: &ROUTE_GET,
    apply: &[
        ("tos", |g, v| {
            g.tos = dsfield(v).ok_or_else(|| invarg("TOS value is invalid", v))?;
            Ok(())
        }),
        ("from", |g, v| {
            let p = Prefix::parse(v, g.family)?;
            (g.family, g.src) = (p.family, p.ip());
            Ok(())
        }),
        ("iif", |g, v| {
            g.iif = Some(v.to_string());
            Ok(())
        }),
        ("mark", |g, v| {
            g.mark = number(v, "invalid mark value")?;
            Ok(())
        }),
        ("oif", |g, v| {
            g.oif = Some(v.to_string());
            Ok(())
        }),
        ("uid", |g, v| {
            g.uid = Some(number(v, "invalid UID")?);
            Ok(())
        }),
        ("fibmatch", |g, _| {
            g.fib_match = true;
            Ok(())
        }),
        ("sport", |g, v| {
            g.sport = port(v, "invalid sport")?;
            Ok(())
        }),
        ("dport", |g, v| {
            g.dport = port(v, "invalid dport")?;
            Ok(())
        }),
        ("ipproto", |g, v| {
            let p = IP_PROTOS.iter().find(|(n, _)| *n == v).map(|(_, p)| *p);
            let p = p.or_else(|| unsigned(v).and_then(|n| u8::try_from(n).ok()));
            g.ip_proto = Some(p.ok_or_else(|| invarg("Invalid \"ipproto\" value", v))?);
            Ok(())
        }),
        ("to", GetWords::dst),
    ],
    more: &[],
    other: Some(|g, rest| g.dst(rest.word())),
    stop: &[],
};

/// What a route change says: the route (without its devices), the
/// devices by name, and what `ip` checks across keywords.
#[derive(Debug, Default)]
pub(super) struct ChangeWords {
    pub spec: RouteSpec,
    /// The family of `-4`/`-6`, then of the first address read.
    pub family: u8,
    pub dev: Option<String>,
    /// A destination was read (`to`, or a word no keyword matches).
    pub dst_ok: bool,
    /// A gateway was read (a second `via` wants the nexthop syntax).
    pub gw_ok: bool,
    /// The metrics given `lock` (`RTAX_LOCK`'s bits).
    pub lock: u32,
    /// `nexthop ...`: each hop with its device by name.
    pub nexthops: Vec<(NexthopSpec, Option<String>)>,
}

impl ChangeWords {
    /// A metric that may be locked: `[lock] VALUE`.
    fn metric(&mut self, rest: &mut Rest<'_>, metric: u16) -> Result<()> {
        let mut v = rest.value()?;
        let locked = v == "lock";
        if locked {
            v = rest.value()?;
        }
        self.metric_value(v, metric, locked)
    }

    /// A metric's value (times as `N[s|ms]`).
    fn metric_value(&mut self, v: &str, metric: u16, locked: bool) -> Result<()> {
        let n = metric_number(v, metric)?;
        if locked {
            self.lock |= 1 << metric;
        }
        self.spec.metrics.push((metric, n));
        Ok(())
    }

    /// `[to] [TYPE] PREFIX`: `first` is its first word.
    fn destination(&mut self, first: &str, rest: &mut Rest<'_>) -> Result<()> {
        let mut w = first;
        if !w.starts_with(|c: char| c.is_ascii_digit()) {
            if let Some(t) = names::parse_route_type(w) {
                self.spec.kind = Some(t);
                w = rest.value()?;
            }
        }
        if self.dst_ok {
            bail!("either \"to\" is duplicate, or \"{w}\" is a garbage.");
        }
        let p = Prefix::parse(w, self.family)?;
        if self.family == AF_UNSPEC {
            self.family = p.family;
        }
        self.spec.dst = p.ip().map(|ip| (ip, p.len.max(0) as u8));
        self.dst_ok = true;
        Ok(())
    }

    /// `nexthop NH [nexthop NH]...`, to the end of the words.
    fn nexthops(&mut self, rest: &mut Rest<'_>) -> Result<()> {
        loop {
            if rest.peek().is_none() {
                bail!("unexpected end of line after \"nexthop\"");
            }
            let mut nh = NexthopSpec::default();
            let mut dev = None;
            while let Some(w) = rest.peek() {
                match w {
                    "via" => {
                        rest.next();
                        let (family, addr) = via_words(rest, self.family)?;
                        let gw = address(addr, family)?;
                        self.family = family_of(self.family, &gw);
                        nh.gateway = Some(gw);
                    }
                    "dev" => {
                        rest.next();
                        dev = Some(rest.value()?.to_string());
                    }
                    "weight" => {
                        rest.next();
                        let v = rest.value()?;
                        nh.weight = unsigned(v)
                            .filter(|w| (1..=256).contains(w))
                            .ok_or_else(|| invarg("\"weight\" is invalid", v))?
                            as u16;
                    }
                    "onlink" => {
                        rest.next();
                        nh.onlink = true;
                    }
                    w if matches(w, "realms") || w == "encap" || w == "as" => {
                        bail!("\"{w}\" in a nexthop is not supported by nlkit route")
                    }
                    _ => break,
                }
            }
            self.nexthops.push((nh, dev));
            match rest.next() {
                None => return Ok(()),
                Some("nexthop") => {}
                Some(w) => bail!("\"nexthop\" or end of line is expected instead of \"{w}\""),
            }
        }
    }
}

/// Rows of metrics that may be locked, one function each.
macro_rules! locked_metric {
    ($name:literal, $metric:expr) => {
        ($name, |c: &mut ChangeWords, rest: &mut Rest<'_>| c.metric(rest, $metric))
    };
}

/// `route add|change|replace|prepend|append|test|delete`: every row of
/// `ROUTE_ADD`; any other word is the destination.
pub(super) static CHANGE: Walk<ChangeWords> = Walk {
    name: "route add",
    cmd: &ROUTE_ADD,
    apply: &[
        ("src", |c, v| {
            let addr = address(v, c.family)?;
            c.family = family_of(c.family, &addr);
            c.spec.prefsrc = Some(addr);
            Ok(())
        }),
        ("from", |c, v| {
            let p = Prefix::parse(v, c.family)?;
            if c.family == AF_UNSPEC {
                c.family = p.family;
            }
            c.spec.src = p.ip().map(|ip| (ip, p.len.max(0) as u8));
            Ok(())
        }),
        ("tos", |c, v| {
            c.spec.tos = dsfield(v).ok_or_else(|| invarg("\"tos\" value is invalid", v))?;
            Ok(())
        }),
        ("expires", |c, v| {
            c.spec.expires = Some(number(v, "\"expires\" value is invalid")?);
            Ok(())
        }),
        ("metric", |c, v| {
            c.spec.priority = Some(number(v, "\"metric\" value is invalid")?);
            Ok(())
        }),
        ("scope", |c, v| {
            let s = names::parse_route_scope(v);
            c.spec.scope = Some(s.ok_or_else(|| invarg("invalid \"scope\" value", v))?);
            Ok(())
        }),
        // Always locked, and no `lock` word (as `ip`).
        ("rto_min", |c, v| c.metric_value(v, RTAX_RTO_MIN, true)),
        ("features", |c, v| c.metric_value(v, RTAX_FEATURES, false)),
        ("quickack", |c, v| c.metric_value(v, RTAX_QUICKACK, false)),
        ("fastopen_no_cookie", |c, v| c.metric_value(v, RTAX_FASTOPEN_NO_COOKIE, false)),
        ("onlink", |c, _| {
            c.spec.onlink = true;
            Ok(())
        }),
        ("nhid", |c, v| {
            c.spec.nh_id = Some(number(v, "\"id\" value is invalid")?);
            Ok(())
        }),
        ("protocol", |c, v| {
            let p = names::parse_route_protocol(v);
            c.spec.protocol = Some(p.ok_or_else(|| invarg("\"protocol\" value is invalid", v))?);
            Ok(())
        }),
        ("table", |c, v| {
            let t = names::parse_route_table(v);
            c.spec.table = Some(t.ok_or_else(|| invarg("\"table\" value is invalid", v))?);
            Ok(())
        }),
        ("dev", |c, v| {
            c.dev = Some(v.to_string());
            Ok(())
        }),
        ("pref", |c, v| {
            c.spec.pref = Some(match v {
                "low" => ICMPV6_ROUTER_PREF_LOW,
                "medium" => ICMPV6_ROUTER_PREF_MEDIUM,
                "high" => ICMPV6_ROUTER_PREF_HIGH,
                _ => unsigned(v)
                    .and_then(|n| u8::try_from(n).ok())
                    .ok_or_else(|| invarg("\"pref\" value is invalid", v))?,
            });
            Ok(())
        }),
    ],
    more: &[
        ("via", |c, rest| {
            if c.gw_ok {
                return Err(invarg("use nexthop syntax to specify multiple via", rest.word()));
            }
            let (family, addr) = via_words(rest, c.family)?;
            c.gw_ok = true;
            let gw = address(addr, family)?;
            c.family = family_of(c.family, &gw);
            c.spec.gateway = Some(gw);
            Ok(())
        }),
        locked_metric!("mtu", RTAX_MTU),
        locked_metric!("hoplimit", RTAX_HOPLIMIT),
        locked_metric!("advmss", RTAX_ADVMSS),
        locked_metric!("reordering", RTAX_REORDERING),
        locked_metric!("rtt", RTAX_RTT),
        locked_metric!("window", RTAX_WINDOW),
        locked_metric!("cwnd", RTAX_CWND),
        locked_metric!("initcwnd", RTAX_INITCWND),
        locked_metric!("initrwnd", RTAX_INITRWND),
        locked_metric!("rttvar", RTAX_RTTVAR),
        locked_metric!("ssthresh", RTAX_SSTHRESH),
        ("nexthop", ChangeWords::nexthops),
        ("to", |c, rest| {
            let first = rest.value()?;
            c.destination(first, rest)
        }),
    ],
    other: Some(|c, rest| c.destination(rest.word(), rest)),
    stop: &[],
};

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    fn change(s: &str) -> Result<ChangeWords> {
        let mut c = ChangeWords::default();
        CHANGE.run(&words(s), &mut c)?;
        Ok(c)
    }

    #[test]
    fn the_route_walks_have_an_apply_function_per_row() {
        SELECT.complete().unwrap();
        GET.complete().unwrap();
        CHANGE.complete().unwrap();
    }

    #[test]
    fn change_words_as_iproute_modify_reads_them() {
        let c = change("unreachable 10.1/16 p 7 mtu lock 1400 w 9 rto_min 20ms dev d0").unwrap();
        assert_eq!(c.spec.kind, Some(RTN_UNREACHABLE));
        assert_eq!(c.spec.priority, Some(7), "p is priority, before protocol");
        assert_eq!(c.spec.metrics, [(RTAX_MTU, 1400), (RTAX_WINDOW, 9), (RTAX_RTO_MIN, 20)]);
        assert_eq!(c.lock, (1 << RTAX_MTU) | (1 << RTAX_RTO_MIN));
        assert_eq!(c.dev.as_deref(), Some("d0"));
        let c = change("default via inet6 fe80::1 dev d0").unwrap();
        assert_eq!(c.family, nlkit::rtnl::AF_INET6);
        let c = change("10.0.0.0/8 nexthop via 10.1.1.1 dev a weight 2 nexthop dev b").unwrap();
        assert_eq!(c.nexthops.len(), 2);
        assert_eq!(c.nexthops[0].0.weight, 2);
        assert_eq!(c.nexthops[1].1.as_deref(), Some("b"));
        let err = |s: &str| change(s).unwrap_err().to_string();
        assert_eq!(err("10/8 rea 1"), "\"rea\" (realms) is not supported by nlkit route add");
        assert_eq!(err("10/8 encap mpls 1"), "\"encap\" is not supported by nlkit route add");
        assert_eq!(err("10/8 mtu"), "Command line is not complete. Try option \"help\"");
        assert_eq!(err("10/8 11/8"), "either \"to\" is duplicate, or \"11/8\" is a garbage.");
        assert_eq!(
            err("10/8 via 1.1.1.1 via 1.1.1.2"),
            "argument \"via\" is wrong: use nexthop syntax to specify multiple via"
        );
        assert!(err("10/8 quickack 2").contains("should be 0 or 1"));
    }

    #[test]
    fn get_and_select_words() {
        let mut g = GetWords::default();
        GET.run(&words("to 10.1.2.3 d 0x10 sp 80 f 10.0.0.1 fib"), &mut g).unwrap();
        assert_eq!((g.tos, g.sport, g.fib_match), (0x10, Some(80), true), "d is dsfield");
        assert!(g.dst.is_some() && g.src.is_some());
        let e = GET.run(&words("1.2.3.4 sport 70000"), &mut GetWords::default()).unwrap_err();
        assert_eq!(e.to_string(), "argument \"70000\" is wrong: invalid sport");
        let mut s = SelectWords::new(AF_UNSPEC, View::default());
        SELECT.run(&words("t all via inet 10.0.0.1 from match 10/8 root 10.1/16"), &mut s).unwrap();
        assert_eq!(s.table, 0);
        assert_eq!(s.filter.rvia.len, 32);
        assert_eq!((s.filter.msrc.len, s.filter.rdst.len), (8, 16));
        let e = SELECT.run(&words("v red"), &mut s).unwrap_err();
        assert_eq!(e.to_string(), "\"v\" (vrf) is not supported by nlkit route show");
    }
}
