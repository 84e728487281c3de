//! Values on the command line, one parser each: protocols, message types,
//! flags, groups, timeouts and durations, hex, link-layer addresses.
//! Each parser returns a message that names what it expected.

use nlkit::wire::{Flags, MessageType};
use nlkit::{Protocol, SocketAddr};

pub fn protocol(s: &str) -> Result<Protocol, String> {
    match Protocol::parse(s) {
        Some(p) if p.0 < Protocol::MAX => Ok(p),
        Some(p) => Err(format!("protocol {} is out of range 0..31", p.0)),
        None => Err(format!("unknown protocol {s:?}: give a number 0..31 or a name such as route")),
    }
}

pub fn message_type(s: &str) -> Result<u16, String> {
    let named = match s.to_ascii_lowercase().trim_start_matches("nlmsg_") {
        "noop" => Some(MessageType::NOOP),
        "error" => Some(MessageType::ERROR),
        "done" => Some(MessageType::DONE),
        "overrun" => Some(MessageType::OVERRUN),
        _ => None,
    };
    named.or_else(|| number(s)).ok_or_else(|| {
        format!("bad message type {s:?}: a number 0..65535 or noop/error/done/overrun")
    })
}

pub fn flags(s: &str) -> Result<Flags, String> {
    let mut flags = Flags::empty();
    for part in s.split([',', '|']).map(str::trim).filter(|p| !p.is_empty()) {
        flags |= Flags::from_name(part).ok_or_else(|| format!("unknown flag {part:?}"))?;
    }
    Ok(flags)
}

pub fn group_mask(s: &str) -> Result<u32, String> {
    let mut mask = 0;
    for part in s.split(',').map(str::trim) {
        let g: u32 = part.parse().map_err(|_| format!("bad group {part:?}"))?;
        mask |= SocketAddr::group_mask(g)
            .ok_or_else(|| format!("group {g}: only groups 1..32 can be addressed in a send"))?;
    }
    Ok(mask)
}

/// Seconds to wait: a finite number from 0 (no limit, everywhere) to a
/// million, checked when the command line is read, before anything is sent.
pub fn timeout(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=1e6).contains(&v) => Ok(v),
        _ => Err(format!("bad timeout {s:?}: seconds from 0 (no limit) to 1000000")),
    }
}

/// A timeout in seconds as a duration; 0 is no limit (`None`).
pub fn duration(seconds: f64) -> Option<std::time::Duration> {
    (seconds > 0.0).then(|| std::time::Duration::from_secs_f64(seconds))
}

/// Bytes given in hex on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bytes(pub Vec<u8>);

pub fn hex(s: &str) -> Result<Bytes, String> {
    let digits: Vec<u8> = s.bytes().filter(|b| !matches!(b, b' ' | b':' | b'\n' | b'\t')).collect();
    let digits = digits.strip_prefix(b"0x").unwrap_or(&digits);
    if digits.len() % 2 != 0 {
        return Err("hex payload has an odd number of digits".into());
    }
    digits
        .chunks(2)
        .map(|pair| {
            let text = std::str::from_utf8(pair).map_err(|_| "bad hex digit".to_string())?;
            // from_str_radix alone takes a sign: "+1" would read as 0x01.
            if !pair.iter().all(u8::is_ascii_hexdigit) {
                return Err(format!("bad hex byte {text:?}"));
            }
            u8::from_str_radix(text, 16).map_err(|_| format!("bad hex byte {text:?}"))
        })
        .collect::<Result<_, _>>()
        .map(Bytes)
}

fn number(s: &str) -> Option<u16> {
    match s.strip_prefix("0x") {
        Some(h) => u16::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    }
}

/// A hardware address: hex bytes separated by `:` (`ll_addr_a2n`).
pub fn lladdr(s: &str) -> Option<Vec<u8>> {
    let bytes: Option<Vec<u8>> = s
        .split(':')
        .map(|b| (1..=2).contains(&b.len()).then(|| u8::from_str_radix(b, 16).ok()).flatten())
        .collect();
    bytes.filter(|b| b.len() <= 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hardware_addresses() {
        assert_eq!(lladdr("02:0:ff:1a:2b:3c"), Some(vec![2, 0, 0xff, 0x1a, 0x2b, 0x3c]));
        assert_eq!(lladdr("02:000:ff"), None);
        assert_eq!(lladdr("zz"), None);
        assert_eq!(lladdr(""), None);
    }

    #[test]
    fn values() {
        assert_eq!(protocol("usersock"), Ok(Protocol::USERSOCK));
        assert!(protocol("40").is_err());
        assert_eq!(message_type("done"), Ok(3));
        assert_eq!(message_type("0x20"), Ok(32));
        assert!(message_type("x").is_err());
        assert_eq!(flags("REQUEST|ACK,dump"), Ok(Flags::REQUEST | Flags::ACK | Flags::DUMP));
        assert!(flags("nope").is_err());
        assert_eq!(group_mask("1,3"), Ok(0b101));
        assert!(group_mask("33").is_err());
        assert_eq!(hex("0x01 02:ff"), Ok(Bytes(vec![1, 2, 255])));
        assert!(hex("abc").is_err());
        assert!(hex("zz").is_err());
    }
}
