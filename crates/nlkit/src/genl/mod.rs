//! Generic netlink (`NETLINK_GENERIC`): families are found by name through
//! the controller, `nlctrl`. See `<linux/genetlink.h>` and the kernel's
//! Documentation/userspace-api/netlink/intro.rst.
//!
//! This module holds what every generic family needs: resolving a family's
//! id, version and multicast groups. The families themselves build on it.

pub mod ctrl;

pub use ctrl::{Family, McastGroup};
pub use nlkit_wire::genl::{GenlHeader, GENL_ID_CTRL};
