//! Control messages (`struct cmsghdr` records) read from a recvmsg(2)
//! control buffer, in safe code.

use std::mem::size_of;

/// Room for the control messages nlkit asks for: credentials, the
/// multicast group (`NETLINK_PKTINFO`) and the namespace id
/// (`NETLINK_LISTEN_ALL_NSID`), each under a `cmsghdr`.
pub(crate) const CONTROL_LEN: usize = 3 * (size_of::<libc::cmsghdr>() + 16);

/// Control messages read from a recvmsg(2) control buffer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Ancillary {
    pub creds: Option<(i32, u32, u32)>,
    pub group: Option<u32>,
    pub nsid: Option<i32>,
}

fn ne_u32(b: &[u8]) -> Option<u32> {
    Some(u32::from_ne_bytes(b.get(..4)?.try_into().ok()?))
}

/// Walks `struct cmsghdr` records in safe code: `cmsg_len` is a `size_t`,
/// then two `int`s, then data aligned to `size_t`.
pub(crate) fn parse_control(mut control: &[u8]) -> Ancillary {
    const WORD: usize = size_of::<usize>();
    let align = |n: usize| (n + WORD - 1) & !(WORD - 1);
    let hdr = align(size_of::<libc::cmsghdr>());
    let mut out = Ancillary::default();
    while control.len() >= hdr {
        let len = usize::from_ne_bytes(control[..WORD].try_into().unwrap_or([0; WORD]));
        if len < hdr || len > control.len() {
            break;
        }
        let level = ne_u32(&control[WORD..]).unwrap_or(0) as libc::c_int;
        let kind = ne_u32(&control[WORD + 4..]).unwrap_or(0) as libc::c_int;
        let data = &control[hdr..len];
        match (level, kind) {
            (libc::SOL_SOCKET, libc::SCM_CREDENTIALS) if data.len() >= 12 => {
                let pid = ne_u32(data).unwrap_or(0) as i32;
                let uid = ne_u32(&data[4..]).unwrap_or(0);
                let gid = ne_u32(&data[8..]).unwrap_or(0);
                out.creds = Some((pid, uid, gid));
            }
            (libc::SOL_NETLINK, libc::NETLINK_PKTINFO) => out.group = ne_u32(data),
            (libc::SOL_NETLINK, libc::NETLINK_LISTEN_ALL_NSID) => {
                out.nsid = ne_u32(data).map(|v| v as i32)
            }
            _ => {}
        }
        control = control.get(align(len)..).unwrap_or(&[]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmsg(level: i32, kind: i32, data: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&(16 + data.len()).to_ne_bytes());
        v.extend_from_slice(&level.to_ne_bytes());
        v.extend_from_slice(&kind.to_ne_bytes());
        v.extend_from_slice(data);
        v.resize((v.len() + 7) & !7, 0);
        v
    }

    #[test]
    fn control_messages_parse_and_bad_ones_stop() {
        let creds = [7i32.to_ne_bytes(), 0u32.to_ne_bytes(), 5u32.to_ne_bytes()].concat();
        let bytes = [
            cmsg(libc::SOL_SOCKET, libc::SCM_CREDENTIALS, &creds),
            cmsg(libc::SOL_NETLINK, libc::NETLINK_PKTINFO, &33u32.to_ne_bytes()),
            cmsg(libc::SOL_NETLINK, libc::NETLINK_LISTEN_ALL_NSID, &(-1i32).to_ne_bytes()),
        ]
        .concat();
        let a = parse_control(&bytes);
        assert_eq!(a.creds, Some((7, 0, 5)));
        assert_eq!(a.group, Some(33));
        assert_eq!(a.nsid, Some(-1));
        let mut bad = bytes.clone();
        bad[0] = 200; // cmsg_len past the end
        assert_eq!(parse_control(&bad), Ancillary::default());
        assert_eq!(parse_control(&bytes[..10]), Ancillary::default());
    }
}
