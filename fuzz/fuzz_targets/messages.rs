//! Any datagram: walk its messages and decode each as ERROR, DONE, generic
//! netlink and attributes; and the same bytes as a recvmsg(2) control
//! buffer (credentials, group, namespace id). No input may panic; a decoded ACK must re-emit
//! to bytes that decode to the same ACK.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nlkit_wire::ack::{Ack, Done};
use nlkit_wire::genl::GenlBuffer;
use nlkit_wire::{Attrs, Messages};

fuzz_target!(|data: &[u8]| {
    // As a recvmsg(2) control buffer: cmsghdr records walked in safe code.
    let _ = nlkit::testing::control_messages(data);
    for msg in Messages::new(data) {
        let Ok(msg) = msg else { break };
        let _ = msg.header().to_owned();
        if let Ok(ack) = Ack::parse(&msg) {
            let mut out = Vec::new();
            ack.emit(&mut out, msg.sequence(), msg.port()).unwrap();
            let again = Messages::new(&out).next().unwrap().unwrap();
            assert_eq!(Ack::parse(&again).unwrap(), ack);
            let _ = ack.invalid_attr(data);
        }
        if let Ok(done) = Done::parse(&msg) {
            let _ = done.ext.unknown().count();
        }
        if let Ok(g) = GenlBuffer::new_checked(msg.payload()) {
            let _ = (g.cmd(), g.version(), Attrs::new(g.attrs()).count());
        }
    }
});
