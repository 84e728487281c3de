//! Any bytes as the payload of an rtnetlink address, route, rule, link,
//! neighbour or netconf message: parsing never panics, every accessor and
//! lazy iterator of what parses runs (what was passed over included), and
//! emitting it back gives the same bytes (pad bytes and odd attributes too).
#![no_main]

use libfuzzer_sys::fuzz_target;
use nlkit::rtnl::View;
use nlkit::rtnl::addr::Address;
use nlkit::rtnl::link::Link;
use nlkit::rtnl::link::info::LinkData;
use nlkit::rtnl::neigh::Neighbour;
use nlkit::rtnl::netconf::Netconf;
use nlkit::rtnl::route::Route;
use nlkit::rtnl::rule::Rule;
use nlkit_wire::{Header, Message, MessageBuilder, Messages};

fn same_bytes(msg: &Message<'_>, emit: impl FnOnce(&mut MessageBuilder<'_, Vec<u8>>)) {
    let mut out = Vec::new();
    let mut b = MessageBuilder::new(&mut out, msg.header()).unwrap();
    emit(&mut b);
    let _ = b.finish();
    assert_eq!(out, msg.bytes());
}

fn route(msg: &Message<'_>) {
    let Ok(r) = Route::parse(msg) else { return };
    let _ = (r.unknown().count(), r.gateway_or_via(), r.mtu(), r.advmss(), r.attr(0));
    if let Some(m) = r.metrics {
        let _ = (m.iter().count(), m.cc_algo(), m.lock());
    }
    for n in r.multipath.iter().flat_map(|m| m.iter()) {
        let _ = (n.weight(), n.gateway_or_via(), n.attrs().count());
    }
    same_bytes(msg, |b| r.emit(b).unwrap());
}

fn addr(msg: &Message<'_>) {
    let Ok(a) = Address::parse(msg) else { return };
    let _ = (a.unknown().count(), a.local_address(), a.peer());
    same_bytes(msg, |b| a.emit(b).unwrap());
}

fn rule(msg: &Message<'_>) {
    let Ok(r) = Rule::parse(msg) else { return };
    let _ = (r.unknown().count(), r.malformed().count());
    same_bytes(msg, |b| r.emit(b).unwrap());
}

fn link(msg: &Message<'_>) {
    let Ok(l) = Link::parse(msg) else { return };
    let _ = (l.unknown().count(), l.malformed().count(), l.alt_names().count());
    if let Some(info) = &l.linkinfo {
        let _ = (info.malformed().count(), info.unknown().count(), info.slave_attrs().count());
        match &info.data {
            Some(LinkData::Veth(d)) => drop(d.malformed().count()),
            Some(LinkData::Bridge(d)) => drop(d.malformed().count()),
            Some(LinkData::Macvlan(d)) => drop(d.malformed().count()),
            Some(LinkData::Vxlan(d)) => drop(d.malformed().count()),
            Some(LinkData::Tun(d)) => drop(d.malformed().count()),
            Some(LinkData::Vlan(d)) => drop(d.malformed().count()),
            Some(LinkData::Bond(d)) => drop(d.malformed().count()),
            _ => {}
        }
    }
    same_bytes(msg, |b| l.emit(b).unwrap());
}

fn neigh(msg: &Message<'_>) {
    let Ok(n) = Neighbour::parse(msg) else { return };
    let _ = (n.unknown().count(), n.malformed().count());
    same_bytes(msg, |b| n.emit(b).unwrap());
}

fn netconf(msg: &Message<'_>) {
    let Ok(n) = Netconf::parse(msg) else { return };
    let _ = (n.unknown().count(), n.malformed().count());
    same_bytes(msg, |b| n.emit(b).unwrap());
}

fuzz_target!(|data: &[u8]| {
    // The first byte is the address family, as the parsers key on it.
    let mut buf = Vec::new();
    let mut b = MessageBuilder::new(&mut buf, Header::new(24u16)).unwrap();
    if b.append(data).is_err() {
        return;
    }
    let _ = b.finish();
    let msg = Messages::new(&buf).next().unwrap().unwrap();
    route(&msg);
    addr(&msg);
    rule(&msg);
    link(&msg);
    neigh(&msg);
    netconf(&msg);
});
