//! `veth`: a pair of linked devices; its data (`VETH_INFO_PEER`, in
//! requests only) is the peer's `struct ifinfomsg` and attributes
//! (`<linux/veth.h>`).

use crate::proto::codec::*;
use crate::proto::{NoHeader, ValueType};
use crate::rtnl::link::{Link, LinkHeader, LINK_HEADER_LEN};
use crate::rtnl::uapi::*;
use nlkit_wire::{Attr, Attrs, Error as WireError, MessageBuilder};

/// `VETH_INFO_PEER` as a row reads it: a `struct ifinfomsg` and
/// attributes, checked, kept as bytes (read with [`VethData::peer`]).
#[derive(Debug, Clone, Copy)]
pub struct LinkPeer;

impl Codec for LinkPeer {
    const TYPE: ValueType = ValueType::Custom("ifinfomsg and link attributes");
    type View<'a> = &'a [u8];
    type Owned = Vec<u8>;
    fn decode<'a>(a: &Attr<'a>, _: Cx) -> Result<Option<&'a [u8]>, WireError> {
        LinkHeader::parse(a.payload())?;
        Attrs::new(&a.payload()[LINK_HEADER_LEN..]).validate()?;
        Ok(Some(a.payload()))
    }
    fn encode(
        v: &Vec<u8>,
        kind: u16,
        b: &mut MessageBuilder<'_, Vec<u8>>,
    ) -> Result<(), WireError> {
        b.attr(kind, v)
    }
    fn own(v: &&[u8]) -> Vec<u8> {
        v.to_vec()
    }
}

crate::attr_set! {
    /// `veth`: the peer, present only in requests (`VETH_INFO_PEER`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct VethData<'a>: NoHeader, set "veth-attrs" {
        /// `VETH_INFO_PEER`: the peer's `struct ifinfomsg` and attributes.
        peer: Option<&'a [u8]> = VETH_INFO_PEER as LinkPeer,
    }
    owned
    /// `veth` data to send.
    pub struct VethDataBuilder;
}

impl<'a> VethData<'a> {
    /// The peer: a `struct ifinfomsg` and its attributes, as a [`Link`].
    pub fn peer(&self) -> Option<Result<Link<'a>, WireError>> {
        self.peer.map(Link::parse_payload)
    }
}
