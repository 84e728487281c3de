//! The same IPv4 route dump (or link dump with `--links`) with the `neli`
//! crate (0.7), as its `route-list` example does it: `NlRouter::send` of an
//! `Rtm::Getroute` dump, then iterating the receiver handle, which yields
//! each reply deserialized into an owned `Nlmsghdr<Rtm, Rtmsg>`. Each
//! route's attributes are read through `Rtattr::get_payload_as`.
//!
//! Prints the count.

use neli::attr::Attribute;
use neli::consts::nl::NlmF;
use neli::consts::rtnl::{Ifla, RtAddrFamily, RtScope, RtTable, Rta, Rtm, Rtn, Rtprot};
use neli::consts::socket::NlFamily;
use neli::nl::NlPayload;
use neli::router::synchronous::NlRouter;
use neli::rtnl::{Ifinfomsg, IfinfomsgBuilder, Rtmsg, RtmsgBuilder};
use neli::utils::Groups;
use nlkit_bench::{die, Opts};
use std::error::Error;
use std::hint::black_box;

fn routes(router: &NlRouter) -> Result<u64, Box<dyn Error>> {
    let rtmsg = RtmsgBuilder::default()
        .rtm_family(RtAddrFamily::Inet)
        .rtm_dst_len(0)
        .rtm_src_len(0)
        .rtm_tos(0)
        .rtm_table(RtTable::Unspec)
        .rtm_protocol(Rtprot::Unspec)
        .rtm_scope(RtScope::Universe)
        .rtm_type(Rtn::Unspec)
        .build()?;
    let recv =
        router.send::<_, _, Rtm, Rtmsg>(Rtm::Getroute, NlmF::DUMP, NlPayload::Payload(rtmsg))?;
    let mut count = 0;
    for msg in recv {
        let msg = msg?;
        let Some(route) = msg.get_payload() else { continue };
        let mut sum = *route.rtm_dst_len() as u64;
        for attr in route.rtattrs().iter() {
            sum = sum.wrapping_add(match attr.rta_type() {
                Rta::Dst | Rta::Src | Rta::Gateway | Rta::Prefsrc => {
                    let b = attr.rta_payload().as_ref();
                    <[u8; 4]>::try_from(b).map(u32::from_be_bytes).unwrap_or(0) as u64
                }
                Rta::Oif | Rta::Iif | Rta::Table | Rta::Priority | Rta::Mark => {
                    attr.get_payload_as::<u32>()? as u64
                }
                Rta::Metrics => attr.rta_payload().as_ref().len() as u64,
                _ => attr.rta_payload().as_ref().len() as u64,
            });
        }
        black_box(sum);
        count += 1;
    }
    Ok(count)
}

fn links(router: &NlRouter) -> Result<u64, Box<dyn Error>> {
    let ifinfomsg = IfinfomsgBuilder::default().ifi_family(RtAddrFamily::Unspecified).build()?;
    let recv = router.send::<_, _, Rtm, Ifinfomsg>(
        Rtm::Getlink,
        NlmF::DUMP,
        NlPayload::Payload(ifinfomsg),
    )?;
    let mut count = 0;
    for msg in recv {
        let msg = msg?;
        let Some(link) = msg.get_payload() else { continue };
        let mut sum = *link.ifi_index() as u64;
        for attr in link.rtattrs().iter() {
            sum = sum.wrapping_add(match attr.rta_type() {
                Ifla::Ifname | Ifla::Qdisc => {
                    attr.get_payload_as_with_len::<String>()?.len() as u64
                }
                Ifla::Mtu | Ifla::Txqlen | Ifla::Group | Ifla::Master | Ifla::Link => {
                    attr.get_payload_as::<u32>()? as u64
                }
                _ => attr.rta_payload().as_ref().len() as u64,
            });
        }
        black_box(sum);
        count += 1;
    }
    Ok(count)
}

fn main() {
    let opts = Opts::parse(&[]);
    opts.enter_netns();
    let (router, _) = NlRouter::connect(NlFamily::Route, None, Groups::empty())
        .unwrap_or_else(|e| die(&format!("connect: {e}")));
    let count = if opts.links { links(&router) } else { routes(&router) };
    println!("{}", count.unwrap_or_else(|e| die(&e.to_string())));
}
