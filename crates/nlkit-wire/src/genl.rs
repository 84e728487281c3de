//! `struct genlmsghdr`: the 4-byte header after `nlmsghdr` in every generic
//! netlink message (`<linux/genetlink.h>`).

use crate::Error;

mod field {
    pub const CMD: usize = 0;
    pub const VERSION: usize = 1;
    pub const RESERVED: core::ops::Range<usize> = 2..4;
    pub const ATTRS: core::ops::RangeFrom<usize> = 4..;
}

/// `GENL_HDRLEN`: the aligned size of `struct genlmsghdr`.
pub const GENL_HDRLEN: usize = 4;
/// `GENL_ID_CTRL`: the fixed family id of the controller, `nlctrl`.
pub const GENL_ID_CTRL: u16 = 0x10;
/// `GENL_NAMSIZ`: the longest family name, NUL included.
pub const GENL_NAMSIZ: usize = 16;

/// A view over a generic netlink payload: header, then attributes.
#[derive(Debug, Clone, Copy)]
pub struct GenlBuffer<T> {
    buffer: T,
}

impl<T: AsRef<[u8]>> GenlBuffer<T> {
    /// Wraps bytes without checking; accessors panic below 4 bytes.
    pub const fn new_unchecked(buffer: T) -> Self {
        GenlBuffer { buffer }
    }

    /// Wraps bytes that hold at least the 4-byte header.
    pub fn new_checked(buffer: T) -> Result<Self, Error> {
        let have = buffer.as_ref().len();
        if have < GENL_HDRLEN {
            return Err(Error::Truncated { need: GENL_HDRLEN, have });
        }
        Ok(GenlBuffer { buffer })
    }

    /// `cmd`.
    pub fn cmd(&self) -> u8 {
        self.buffer.as_ref()[field::CMD]
    }

    /// `version`.
    pub fn version(&self) -> u8 {
        self.buffer.as_ref()[field::VERSION]
    }

    /// `reserved` (kept so a re-emit gives the same bytes).
    pub fn reserved(&self) -> u16 {
        let b = &self.buffer.as_ref()[field::RESERVED];
        u16::from_ne_bytes([b[0], b[1]])
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> GenlBuffer<&'a T> {
    /// The attributes after the header.
    pub fn attrs(&self) -> &'a [u8] {
        &self.buffer.as_ref()[field::ATTRS]
    }
}

/// The fields of `struct genlmsghdr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct GenlHeader {
    /// The family's command.
    pub cmd: u8,
    /// The family's interface version.
    pub version: u8,
    /// Reserved, normally 0.
    pub reserved: u16,
}

impl GenlHeader {
    /// A header for `cmd` at `version`.
    pub const fn new(cmd: u8, version: u8) -> Self {
        GenlHeader { cmd, version, reserved: 0 }
    }

    /// Reads the header.
    pub fn parse<T: AsRef<[u8]>>(buf: &GenlBuffer<T>) -> Self {
        GenlHeader { cmd: buf.cmd(), version: buf.version(), reserved: buf.reserved() }
    }

    /// The 4 bytes of the header.
    pub fn to_bytes(&self) -> [u8; GENL_HDRLEN] {
        let r = self.reserved.to_ne_bytes();
        [self.cmd, self.version, r[0], r[1]]
    }

    /// Bytes written: always 4.
    pub const fn buffer_len(&self) -> usize {
        GENL_HDRLEN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        // CTRL_CMD_GETFAMILY, version 1, then CTRL_ATTR_FAMILY_NAME "nlctrl".
        let bytes = [3, 1, 0, 0, 11, 0, 2, 0, b'n', b'l', b'c', b't', b'r', b'l', 0, 0];
        let g = GenlBuffer::new_checked(&bytes[..]).unwrap();
        let h = GenlHeader::parse(&g);
        assert_eq!(h, GenlHeader::new(3, 1));
        assert_eq!(h.to_bytes(), bytes[..4]);
        assert_eq!(g.attrs().len(), 12);
        assert_eq!(
            GenlBuffer::new_checked(&bytes[..3]).unwrap_err(),
            Error::Truncated { need: 4, have: 3 }
        );
    }
}
