//! Any bytes as a generic netlink controller message (tables generated
//! from the nlctrl YNL spec), a TASKSTATS reply, ethtool replies, a
//! conntrack entry, a sock_diag inet, unix, netlink or packet socket, an
//! IPsec SA, policy or xfrm event, an audit rule or record, a SELinux notice, a capture file, as a kernel uevent and
//! a process event, and as a datagram to every subscription source: parsing,
//! family and policy decoding and the subscription reader never panic;
//! views re-emit their bytes, and their builders write what re-reads the
//! same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nlkit::genl::ctrl::{CtrlNotify, Family, Policy};
use nlkit::genl::nlctrl::CtrlAttrs;
use nlkit::proto::View;
use nlkit::rtnl::events::{Rtnl, Watch};
use nlkit::sub::{Batch, Counts};
use nlkit::connector::{ProcEvents, Process};
use nlkit::uevent::{KernelUevents, UdevUevents, Uevent};
use nlkit::{RecvBuf, SocketAddr};
use nlkit_wire::{Header, MessageBuilder, Messages};

fuzz_target!(|data: &[u8]| {
    // As the payload of one controller message.
    let mut buf = Vec::new();
    let mut b = MessageBuilder::new(&mut buf, Header::new(0x10)).unwrap();
    b.append(data).unwrap();
    let _ = b.finish();
    let msg = Messages::new(&buf).next().unwrap().unwrap();
    if let Ok(v) = CtrlAttrs::parse(&msg) {
        let _ = (v.unknown().count(), v.malformed().count(), Family::from_view(&v));
        for op in v.ops.iter().flat_map(|o| o.entries()) {
            let _ = op;
        }
        let mut again = Vec::new();
        let mut w = MessageBuilder::new(&mut again, msg.header()).unwrap();
        v.emit(&mut w).unwrap();
        let _ = w.finish();
        assert_eq!(again, msg.bytes());
        let mut built = Vec::new();
        let mut w = MessageBuilder::new(&mut built, msg.header()).unwrap();
        if v.to_builder().emit(&mut w).is_ok() {
            let _ = w.finish();
            let m2 = Messages::new(&built).next().unwrap().unwrap();
            let v2 = CtrlAttrs::parse(&m2).unwrap();
            assert_eq!((v2.family_id, v2.family_name, v2.version), (v.family_id, v.family_name, v.version));
        }
    }
    let _ = Policy::default().add(&msg);
    // As a TASKSTATS reply and a sock_diag inet socket (hand-written tables).
    let _ = nlkit::genl::taskstats::Stats::parse(&msg);
    // As ethtool replies (generated tables) and a conntrack entry (an
    // nfgenmsg and big-endian attributes).
    {
        use nlkit::genl::ethtool::tables as eth;
        if let Ok(v) = eth::Features::parse(&msg) {
            let _ = (v.malformed().count(), v.hw.map(|b| (b.size, b.value, b.bits)));
        }
        if let Ok(v) = eth::Strset::parse(&msg) {
            let _ = (v.malformed().count(), v.stringsets.map(|s| s.attrs().count()));
        }
        let _ = eth::Channels::parse(&msg).map(|v| v.malformed().count());
        let _ = eth::Rings::parse(&msg).map(|v| v.malformed().count());
        let _ = nlkit::netfilter::conntrack::Entry::parse(&msg);
    }
    if let Ok(v) = nlkit::diag::inet::InetDiag::parse(&msg) {
        let _ = (v.header.local(), v.header.peer(), v.header.cookie(), v.unknown().count());
        let mut again = Vec::new();
        let mut w = MessageBuilder::new(&mut again, msg.header()).unwrap();
        v.emit(&mut w).unwrap();
        let _ = w.finish();
        assert_eq!(again, msg.bytes());
    }
    // As a sock_diag unix socket: views re-emit their bytes.
    if let Ok(v) = nlkit::diag::unix::UnixDiag::parse(&msg) {
        let _ = (v.header.cookie(), v.icons.map(<[u8]>::len), v.unknown().count(), v.malformed().count());
        let mut again = Vec::new();
        let mut w = MessageBuilder::new(&mut again, msg.header()).unwrap();
        v.emit(&mut w).unwrap();
        let _ = w.finish();
        assert_eq!(again, msg.bytes());
    }
    // As a sock_diag netlink socket.
    if let Ok(v) = nlkit::diag::netlink::NetlinkDiag::parse(&msg) {
        let _ = (v.meminfo_at(2), v.group_ids().count(), v.unknown().count());
        let mut again = Vec::new();
        let mut w = MessageBuilder::new(&mut again, msg.header()).unwrap();
        v.emit(&mut w).unwrap();
        let _ = w.finish();
        assert_eq!(again, msg.bytes());
    }
    // As a sock_diag packet socket.
    if let Ok(v) = nlkit::diag::packet::PacketDiag::parse(&msg) {
        let _ = (v.header.cookie(), v.header.protocol(), v.unknown().count());
        let _ = nlkit::diag::packet::protocol_name(v.header.protocol());
        let mut again = Vec::new();
        let mut w = MessageBuilder::new(&mut again, msg.header()).unwrap();
        v.emit(&mut w).unwrap();
        let _ = w.finish();
        assert_eq!(again, msg.bytes());
    }
    // As IPsec: an SA, a policy (each written back and read again the
    // same), and every xfrm event type.
    if let Ok(sa) = nlkit::xfrm::Sa::parse(&msg) {
        let mut built = Vec::new();
        let mut w = MessageBuilder::new(&mut built, msg.header()).unwrap();
        if sa.emit(&mut w).is_ok() {
            let _ = w.finish();
            let m2 = Messages::new(&built).next().unwrap().unwrap();
            assert_eq!(nlkit::xfrm::Sa::parse(&m2).unwrap(), sa);
        }
    }
    if let Ok(p) = nlkit::xfrm::Policy::parse(&msg) {
        let mut built = Vec::new();
        let mut w = MessageBuilder::new(&mut built, msg.header()).unwrap();
        if p.emit(&mut w).is_ok() {
            let _ = w.finish();
            let m2 = Messages::new(&built).next().unwrap().unwrap();
            assert_eq!(nlkit::xfrm::Policy::parse(&m2).unwrap(), p);
        }
    }
    for t in 0x10..0x28 {
        let _ = nlkit::xfrm::events::decode(t, data);
    }
    // As a whole datagram to every subscription source.
    let mut rb = RecvBuf::new();
    rb.set(data, SocketAddr::port(0));
    let mut counts = Counts::default();
    let _ = Batch::read(&CtrlNotify, &mut counts, &rb).count();
    let _ = Batch::read(&Rtnl::new(&Watch::ALL), &mut counts, &rb).count();
    let _ = Batch::read(&KernelUevents, &mut counts, &rb).count();
    let _ = Batch::read(&ProcEvents::default(), &mut counts, &rb).count();
    let _ = Batch::read(&UdevUevents::default(), &mut counts, &rb).count();
    let _ = Batch::read(&nlkit::xfrm::Events::default(), &mut counts, &rb).count();
    let _ = Batch::read(&nlkit::netfilter::conntrack::Events::default(), &mut counts, &rb).count();
    let all = nlkit::diag::destroyed::Destroyed { tcp4: true, udp4: true, tcp6: true, udp6: true };
    let _ = Batch::read(&all, &mut counts, &rb).count();
    if let Ok(e) = Uevent::parse_udev(data) {
        let _ = (e.action, e.devpath, e.properties().count(), e.udev, e.seqnum());
    }
    let _ = Process::parse(data);
    // As audit: a rule, a record datagram (grouped into events in bounded
    // memory), through the audit log source.
    let _ = nlkit::audit::rules::Rule::parse(data).map(|r| r.to_bytes());
    if let Ok(r) = nlkit::audit::events::Record::parse(data) {
        let mut g = nlkit::audit::events::Events::default();
        let _ = (g.push(r.clone()), g.push(r), g.flush(), g.unseen());
    }
    let _ = Batch::read(&nlkit::audit::events::AuditLog, &mut counts, &rb).count();
    let _ = Batch::read(&nlkit::selinux::Notices, &mut counts, &rb).count();
    // As a capture file: every record read, or an error; never more
    // memory than the records' bounded lengths.
    if let Ok(r) = nlkit::capture::Reader::new(data) {
        for record in r.take(64) {
            let _ = record.map(|r| r.data.len());
        }
    }
    // As a uevent datagram: every accessor of what parses.
    if let Ok(e) = Uevent::parse(data) {
        let _ = (e.properties().count(), e.subsystem(), e.devtype(), e.seqnum(), e.get("ACTION"));
    }
});
