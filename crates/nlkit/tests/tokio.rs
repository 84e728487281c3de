//! The async adapter against the real kernel, in a throwaway namespace.
#![cfg(feature = "tokio")]

mod common;

use common::TestNs;
use nlkit::tokio::AsyncConn;
use nlkit::wire::Attrs;
use nlkit::Protocol;

const RTM_GETLINK: u16 = 18;
const IFLA_IFNAME: u16 = 3;

#[tokio::test]
async fn async_dump_and_genl_lookup() {
    let ns = TestNs::new("async");
    ns.exec(&["ip", "link", "add", "x0", "type", "veth", "peer", "name", "x1"]);
    let mut conn = AsyncConn::open_in(ns.netns(), Protocol::ROUTE).unwrap();
    let names = conn
        .dump_collect(
            RTM_GETLINK,
            |b| b.append(&[0u8; 16]),
            |m| {
                let attrs = Attrs::new(&m.payload()[16..]);
                Ok(attrs.find(IFLA_IFNAME)?.unwrap().str()?.to_owned())
            },
        )
        .await
        .unwrap();
    assert_eq!(names, ["lo", "x1", "x0"]);
    let mut genl = AsyncConn::open_in(ns.netns(), Protocol::GENERIC).unwrap();
    let mut found = false;
    genl.request(
        nlkit::genl::GENL_ID_CTRL,
        nlkit::wire::Flags::ACK,
        |b| {
            b.append(&nlkit::genl::GenlHeader::new(3, 1).to_bytes())?;
            b.attr_str(2, "nlctrl")
        },
        |m| {
            found = nlkit::genl::Family::parse(&m)?.id == nlkit::genl::GENL_ID_CTRL;
            Ok(())
        },
    )
    .await
    .unwrap();
    assert!(found);
}

#[test]
fn async_conn_outside_a_runtime_is_an_error() {
    let err = AsyncConn::open(Protocol::ROUTE).unwrap_err();
    assert!(err.to_string().contains("tokio runtime"), "{err}");
}
