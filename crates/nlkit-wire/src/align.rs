//! Alignment and length helpers with the exact semantics of the C macros in
//! `<linux/netlink.h>`: `NLMSG_ALIGN`, `NLMSG_HDRLEN`, `NLMSG_LENGTH`,
//! `NLMSG_SPACE`, `NLMSG_DATA`, `NLMSG_NEXT`, `NLMSG_OK`, `NLMSG_PAYLOAD`,
//! and `NLA_ALIGN`/`NLA_HDRLEN`.
//!
//! The macros work on raw pointers and signed lengths; these functions work on
//! slices. Where a macro would go negative or wrap (`NLMSG_NEXT` past the end,
//! `NLMSG_PAYLOAD` of a too-short message) the function says so with an empty
//! slice or `None` instead.

/// `NLMSG_ALIGNTO`: messages start on 4-byte boundaries.
pub const NLMSG_ALIGNTO: usize = 4;
/// `NLMSG_HDRLEN`: the aligned size of `struct nlmsghdr`.
pub const NLMSG_HDRLEN: usize = nlmsg_align(16);
/// `NLA_ALIGNTO`: attributes start on 4-byte boundaries.
pub const NLA_ALIGNTO: usize = 4;
/// `NLA_HDRLEN`: the aligned size of `struct nlattr`.
pub const NLA_HDRLEN: usize = nla_align(4);

/// `NLMSG_ALIGN(len)`: round `len` up to a multiple of 4.
///
/// Wraps like the C macro for lengths within 3 of `usize::MAX`; every length
/// this crate aligns is bounded by a buffer's size, so it never does.
pub const fn nlmsg_align(len: usize) -> usize {
    len.wrapping_add(NLMSG_ALIGNTO - 1) & !(NLMSG_ALIGNTO - 1)
}

/// `NLA_ALIGN(len)`: round `len` up to a multiple of 4.
pub const fn nla_align(len: usize) -> usize {
    len.wrapping_add(NLA_ALIGNTO - 1) & !(NLA_ALIGNTO - 1)
}

/// `NLMSG_LENGTH(len)`: the `nlmsg_len` of a message with `len` payload
/// bytes (wrapping, like the macro, within 16 of `usize::MAX`).
pub const fn nlmsg_length(len: usize) -> usize {
    len.wrapping_add(NLMSG_HDRLEN)
}

/// `NLMSG_SPACE(len)`: the bytes a message with `len` payload bytes occupies,
/// padding included.
pub const fn nlmsg_space(len: usize) -> usize {
    nlmsg_align(nlmsg_length(len))
}

/// Reads `nlmsg_len` from the first four bytes of `msg`, if present.
fn nlmsg_len(msg: &[u8]) -> Option<usize> {
    let bytes = msg.get(..4)?;
    Some(u32::from_ne_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize)
}

/// `NLMSG_DATA(nlh)`: the bytes after the header of the message at the start
/// of `msg` (empty if `msg` is shorter than a header).
///
/// Like the macro, this does not stop at `nlmsg_len`; use
/// [`crate::MessageBuffer::payload`] for that.
pub fn nlmsg_data(msg: &[u8]) -> &[u8] {
    msg.get(NLMSG_HDRLEN..).unwrap_or(&[])
}

/// `NLMSG_OK(nlh, len)`: whether `buf` starts with a whole message: at least a
/// header's worth of bytes, and an `nlmsg_len` between 16 and `buf.len()`.
pub fn nlmsg_ok(buf: &[u8]) -> bool {
    match nlmsg_len(buf) {
        Some(len) => buf.len() >= 16 && len >= 16 && len <= buf.len(),
        None => false,
    }
}

/// `NLMSG_NEXT(nlh, len)`: the bytes after the message at the start of `buf`,
/// skipping its padding.
///
/// Where the macro would leave a negative remaining length (the aligned
/// message runs past the end), this returns an empty slice, which
/// [`nlmsg_ok`] rejects just as the macro's negative length is rejected.
pub fn nlmsg_next(buf: &[u8]) -> &[u8] {
    let Some(len) = nlmsg_len(buf) else {
        return &[];
    };
    buf.get(nlmsg_align(len)..).unwrap_or(&[])
}

/// `NLMSG_PAYLOAD(nlh, len)`: the bytes of a message with length `nlmsg_len`
/// left after a family header of `len` bytes (and its padding).
///
/// Returns `None` where the C macro's unsigned subtraction would wrap, that is
/// when the message is too short to hold the family header.
pub fn nlmsg_payload(nlmsg_len: u32, len: usize) -> Option<usize> {
    let space = len.checked_add(NLMSG_HDRLEN + NLMSG_ALIGNTO - 1)? & !(NLMSG_ALIGNTO - 1);
    (nlmsg_len as usize).checked_sub(space)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(len: u32, total: usize) -> [u8; 64] {
        let mut b = [0u8; 64];
        b[..4].copy_from_slice(&len.to_ne_bytes());
        let _ = total;
        b
    }

    #[test]
    fn align_rounds_up_to_four() {
        let cases = [(0, 0), (1, 4), (3, 4), (4, 4), (5, 8), (16, 16), (17, 20), (19, 20)];
        for (len, want) in cases {
            assert_eq!(nlmsg_align(len), want, "NLMSG_ALIGN({len})");
            assert_eq!(nla_align(len), want, "NLA_ALIGN({len})");
        }
        assert_eq!(nlmsg_align(usize::MAX), 0, "wraps like the macro");
    }

    #[test]
    fn header_lengths() {
        assert_eq!(NLMSG_HDRLEN, 16);
        assert_eq!(NLA_HDRLEN, 4);
        assert_eq!(nlmsg_length(0), 16);
        assert_eq!(nlmsg_length(5), 21);
        assert_eq!(nlmsg_space(0), 16);
        assert_eq!(nlmsg_space(5), 24);
        assert_eq!(nlmsg_space(8), 24);
    }

    #[test]
    fn data_starts_after_header() {
        let b = msg(20, 20);
        assert_eq!(nlmsg_data(&b[..20]).len(), 4);
        assert_eq!(nlmsg_data(&b[..16]).len(), 0);
        assert_eq!(nlmsg_data(&b[..3]).len(), 0, "short buffer gives empty data");
        // Like the macro, not bounded by nlmsg_len.
        assert_eq!(nlmsg_data(&b[..40]).len(), 24);
    }

    #[test]
    fn ok_guards_every_edge() {
        let b = msg(16, 16);
        assert!(nlmsg_ok(&b[..16]), "bare header");
        assert!(!nlmsg_ok(&b[..15]), "buffer shorter than a header");
        assert!(!nlmsg_ok(&b[..0]), "empty buffer");
        let b = msg(15, 16);
        assert!(!nlmsg_ok(&b[..16]), "nlmsg_len below the header size");
        let b = msg(0, 16);
        assert!(!nlmsg_ok(&b[..16]), "zero nlmsg_len (would loop forever)");
        let b = msg(21, 20);
        assert!(!nlmsg_ok(&b[..20]), "nlmsg_len past the end");
        let b = msg(u32::MAX, 64);
        assert!(!nlmsg_ok(&b[..64]), "huge nlmsg_len");
        let b = msg(21, 21);
        assert!(nlmsg_ok(&b[..21]), "unaligned last message without padding");
    }

    #[test]
    fn next_skips_padding_and_stops_at_end() {
        let mut b = [0u8; 40];
        b[..4].copy_from_slice(&17u32.to_ne_bytes());
        assert_eq!(nlmsg_next(&b).len(), 40 - 20, "17 is padded to 20");
        assert_eq!(nlmsg_next(&b[..17]).len(), 0, "padding past the end");
        assert!(!nlmsg_ok(nlmsg_next(&b[..17])));
        b[..4].copy_from_slice(&16u32.to_ne_bytes());
        assert_eq!(nlmsg_next(&b[..16]).len(), 0);
        assert_eq!(nlmsg_next(&b[..2]).len(), 0, "no length field at all");
    }

    #[test]
    fn payload_after_family_header() {
        assert_eq!(nlmsg_payload(16 + 16 + 8, 16), Some(8));
        assert_eq!(nlmsg_payload(16 + 4, 4), Some(0));
        assert_eq!(nlmsg_payload(16 + 5 + 3, 5), Some(0), "family header padded to 8");
        assert_eq!(nlmsg_payload(16, 4), None, "the macro would wrap");
        assert_eq!(nlmsg_payload(u32::MAX, usize::MAX), None, "no overflow");
    }
}
