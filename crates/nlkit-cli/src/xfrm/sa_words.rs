//! The walks of `nlkit xfrm state`: `add|update` (`xfrm_state_modify`),
//! `delete|get` (`xfrm_state_get_or_delete`), `show`
//! (`xfrm_state_list_or_deleteall`) and `flush`, over the rows of
//! `grammar::xfrm`, into plain argument structs; then ip's checks of the
//! whole (an ID given, the algorithms and mode the protocol allows).

use super::words::{self as w, duparg, missarg, Ahead, IdWords, SelWords};
use crate::grammar::walk::{Rest, Walk};
use crate::grammar::xfrm::{STATE_ADD, STATE_FLUSH, STATE_GET, STATE_SHOW};
use crate::report::{invarg, plain};
use anyhow::{bail, Result};
use nlkit::xfrm::structs::{EncapTmpl, LifetimeCfg, Mark, ReplayState, UsersaInfo};
use nlkit::xfrm::*;

/// What `state add|update` reads.
#[derive(Debug)]
pub struct SaWords {
    pub sa: Sa,
    /// The selector's device, by name.
    pub sel: SelWords,
    id: IdWords,
    have_id: bool,
    window: u32,
    /// replay-seq, replay-oseq, replay-seq-hi, replay-oseq-hi.
    seqs: [u32; 4],
    mark: Mark,
    extra: u32,
    output_mark: Mark,
}

impl Default for SaWords {
    fn default() -> Self {
        SaWords {
            sa: Sa {
                info: UsersaInfo { lft: LifetimeCfg::INFINITE, ..Default::default() },
                ..Default::default()
            },
            sel: SelWords::default(),
            id: IdWords::default(),
            have_id: false,
            window: 0,
            seqs: [0; 4],
            mark: Mark::default(),
            extra: 0,
            output_mark: Mark::default(),
        }
    }
}

fn num<T: TryFrom<u64>>(v: &str, what: &str) -> Result<T> {
    crate::words::number(v).ok_or_else(|| invarg(what, v))
}

/// A replay-* row: the slot of `seqs` it sets.
macro_rules! replay {
    ($name:literal, $slot:expr) => {
        ($name, |s: &mut SaWords, v: &str| {
            s.seqs[$slot] = num(v, concat!("value after \"", $name, "\" is invalid"))?;
            Ok(())
        })
    };
}

/// An algorithm row: reads `NAME [KEY] [LEN]` into its slot.
macro_rules! algo {
    ($name:literal) => {
        ($name, |s: &mut SaWords, rest: &mut Rest<'_>| s.algo($name, rest))
    };
}

const ADD_APPLY: &[(&str, crate::grammar::walk::Apply<SaWords>)] = &[
    ("mode", |s, v| {
        s.sa.info.mode = w::mode(v)?;
        Ok(())
    }),
    ("reqid", |s, v| {
        s.sa.info.reqid = num(v, "REQID value is invalid")?;
        Ok(())
    }),
    ("seq", |s, v| {
        s.sa.info.seq = num::<u32>(v, "SEQ value is invalid")?.to_be();
        Ok(())
    }),
    ("replay-window", |s, v| {
        s.window = num(v, "value after \"replay-window\" is invalid")?;
        Ok(())
    }),
    replay!("replay-seq", 0),
    replay!("replay-seq-hi", 2),
    replay!("replay-oseq", 1),
    replay!("replay-oseq-hi", 3),
    ("if_id", |s, v| {
        s.sa.if_id = Some(num(v, "value after \"if_id\" is invalid")?);
        Ok(())
    }),
    ("tfcpad", |s, v| {
        s.sa.tfcpad = Some(num::<u32>(v, "value after \"tfcpad\" is invalid")?).filter(|p| *p != 0);
        Ok(())
    }),
];

const ADD_MORE: &[(&str, crate::grammar::walk::More<SaWords>)] = &[
    ("mark", |s, rest| {
        s.mark = w::mark(&mut Ahead::after(rest))?;
        Ok(())
    }),
    ("flag", |s, rest| {
        s.sa.info.flags = w::flag_list(&mut Ahead::after(rest), w::STATE_FLAGS, 0xff)? as u8;
        Ok(())
    }),
    ("extra-flag", |s, rest| {
        s.extra = w::flag_list(&mut Ahead::after(rest), w::EXTRA_FLAGS, u32::MAX)?;
        Ok(())
    }),
    ("sel", |s, rest| {
        let mut a = Ahead::after(rest);
        a.peek().ok_or_else(crate::report::incomplete)?;
        w::selector(&mut a, &mut s.sel)
    }),
    ("limit", |s, rest| w::limit(&mut Ahead::after(rest), &mut s.sa.info.lft)),
    ("encap", |s, rest| {
        let mut a = Ahead::after(rest);
        let t = match a.value()? {
            "espinudp-nonike" => 1,
            "espinudp" => 2,
            "espintcp" => 7,
            v => return Err(invarg("ENCAP-TYPE value is invalid", v)),
        };
        let sp: u16 = a.num("SPORT value after \"encap\" is invalid")?;
        let dp: u16 = a.num("DPORT value after \"encap\" is invalid")?;
        let v = a.value()?;
        let oa: std::net::IpAddr = v.parse().map_err(|_| {
            plain(format!("Error: any valid address is expected rather than \"{v}\"."))
        })?;
        s.sa.encap = Some(EncapTmpl {
            encap_type: t,
            encap_sport: sp.to_be_bytes(),
            encap_dport: dp.to_be_bytes(),
            pad: [0; 2],
            encap_oa: structs::xfrm_address(&oa).0,
        });
        Ok(())
    }),
    ("output-mark", |s, rest| {
        let mut a = Ahead::after(rest);
        s.output_mark.v = a.num("value after \"output-mark\" is invalid")?;
        if a.peek() == Some("mask") {
            a.next();
            s.output_mark.m = a.num("mask value is invalid\n")?;
        }
        Ok(())
    }),
    algo!("enc"),
    algo!("auth"),
    algo!("comp"),
    algo!("aead"),
    algo!("auth-trunc"),
];

/// `state add ...` and `state update ...`: the rows of `STATE_ADD`; a
/// word no row matches is the ID (once).
pub static ADD: [Walk<SaWords>; 2] = [
    Walk {
        name: "xfrm state add",
        cmd: &STATE_ADD,
        apply: ADD_APPLY,
        more: ADD_MORE,
        other: Some(SaWords::id),
        stop: &[],
    },
    Walk {
        name: "xfrm state update",
        cmd: &STATE_ADD,
        apply: ADD_APPLY,
        more: ADD_MORE,
        other: Some(SaWords::id),
        stop: &[],
    },
];

impl SaWords {
    fn id(&mut self, rest: &mut Rest<'_>) -> Result<()> {
        if self.have_id {
            return Err(invarg("unknown", rest.word()));
        }
        self.have_id = true;
        w::id(&mut Ahead::from_word(rest), &mut self.id, false)
    }

    /// `ALGO-TYPE NAME [KEY] [LEN]`.
    fn algo(&mut self, kind: &str, rest: &mut Rest<'_>) -> Result<()> {
        let sa = &mut self.sa;
        let dup = match kind {
            "aead" => sa.crypt.is_some() || auth_any(sa) || sa.aead.is_some(),
            "enc" => sa.crypt.is_some() || sa.aead.is_some(),
            "auth" | "auth-trunc" => auth_any(sa) || sa.aead.is_some(),
            _ => sa.comp.is_some(),
        };
        if dup {
            return Err(duparg("ALGO-TYPE", kind));
        }
        let name = rest.next().ok_or_else(|| missarg("ALGO-NAME"))?.to_string();
        let key = match kind {
            "comp" => Vec::new(),
            _ => w::key(rest.next().ok_or_else(|| missarg("ALGO-KEYMAT"))?)?,
        };
        let extra = match kind {
            "aead" => Some(num(
                rest.next().ok_or_else(|| missarg("ALGO-ICV-LEN"))?,
                "ALGO-ICV-LEN value is invalid",
            )?),
            "auth-trunc" => Some(num(
                rest.next().ok_or_else(|| missarg("ALGO-TRUNC-LEN"))?,
                "ALGO-TRUNC-LEN value is invalid",
            )?),
            _ => None,
        };
        let a = Some(Algo { name, key_bits: (key.len() * 8) as u32, extra, key });
        match kind {
            "aead" => sa.aead = a,
            "enc" => sa.crypt = a,
            "auth" => sa.auth = a,
            "auth-trunc" => sa.auth_trunc = a,
            _ => sa.comp = a,
        }
        Ok(())
    }

    /// The SA, after ip's checks of the whole (in ip's order); the
    /// selector's device is still a name.
    pub fn finish(mut self) -> Result<(Sa, Option<String>)> {
        let (window, sa) = (self.window, &mut self.sa);
        if sa.info.flags & XFRM_STATE_ESN != 0 && window == 0 {
            return Err(plain("Error: esn flag set without replay-window."));
        }
        if window > XFRMA_REPLAY_ESN_MAX {
            return Err(plain(format!(
                "Error: replay-window ({window}) > XFRMA_REPLAY_ESN_MAX ({XFRMA_REPLAY_ESN_MAX})."
            )));
        }
        if sa.info.flags & XFRM_STATE_ESN != 0 || window > 32 {
            let mut esn = ReplayEsn::with_window(window);
            [esn.seq, esn.oseq, esn.seq_hi, esn.oseq_hi] = self.seqs;
            sa.replay_esn = Some(esn);
        } else {
            let [seq, oseq, ..] = self.seqs;
            if seq != 0 || oseq != 0 {
                sa.replay = Some(ReplayState { seq, oseq, bitmap: 0 });
            }
            sa.info.replay_window = window as u8;
        }
        sa.extra_flags = Some(self.extra).filter(|f| *f != 0);
        if !self.have_id {
            return Err(plain("Not enough information: ID is required"));
        }
        if self.mark.m != 0 {
            sa.mark = Some(self.mark);
        }
        let id = self.id;
        sa.info.family = id.family();
        sa.info.saddr = IdWords::bytes(id.saddr);
        sa.info.id.daddr = IdWords::bytes(id.daddr);
        sa.info.id.proto = id.proto.unwrap_or(0);
        sa.info.id.spi = id.spi.unwrap_or(0).to_be_bytes();
        sa.info.sel = self.sel.sel;
        check_algos(sa)?;
        check_ro(sa)?;
        sa.output_mark = Some(self.output_mark.v).filter(|v| *v != 0);
        sa.output_mark_mask = Some(self.output_mark.m).filter(|m| *m != 0);
        Ok((self.sa, self.sel.dev))
    }
}

/// Whether an authentication algorithm (plain or truncated) is set.
fn auth_any(sa: &Sa) -> bool {
    sa.auth.is_some() || sa.auth_trunc.is_some()
}

/// ip's checks of the algorithms and mode against the protocol.
fn check_algos(sa: &Sa) -> Result<()> {
    let p = super::print::xfrm_proto(sa.info.id.proto);
    let (e, a, c) = (sa.crypt.is_some() || sa.aead.is_some(), auth_any(sa), sa.comp.is_some());
    match sa.info.id.proto {
        50 | 51 | 108
            if !(matches!(sa.info.mode, 0 | 1) || sa.info.mode == 4 && sa.info.id.proto == 50) =>
        {
            bail!("MODE value is invalid with XFRM-PROTO value \"{p}\"")
        }
        50 | 51 | 108 => {}
        _ if e || a || c => bail!("ALGO is invalid with XFRM-PROTO value \"{p}\""),
        _ => {}
    }
    let text = match sa.info.id.proto {
        50 if c => "ALGO-TYPE value \"comp\" is invalid",
        50 if !e => "ALGO-TYPE value \"enc\" or \"aead\" is required",
        51 if e || c => "ALGO-TYPE values \"enc\", \"aead\", and \"comp\" are invalid",
        51 if !a => "ALGO-TYPE value \"auth\" or \"auth-trunc\" is required",
        108 if e || a => {
            "ALGO-TYPE values \"enc\", \"auth\", \"auth-trunc\", and \"aead\" are invalid"
        }
        108 if !c => "ALGO-TYPE value \"comp\" is required",
        _ => return Ok(()),
    };
    Err(plain(format!("{text} with XFRM-PROTO value \"{p}\"")))
}

/// route2 and hao need a mode of their own and a care-of address (`coa`,
/// which nlkit does not implement).
fn check_ro(sa: &Sa) -> Result<()> {
    let p = super::print::xfrm_proto(sa.info.id.proto);
    if !w::is_ro(sa.info.id.proto) {
        return Ok(());
    }
    match sa.info.mode {
        2 | 3 => Err(plain(format!("\"coa\" is required with XFRM-PROTO value \"{p}\""))),
        0 => Err(plain(format!("\"mode\" is required with XFRM-PROTO value \"{p}\""))),
        _ => Err(plain(format!("MODE value is invalid with XFRM-PROTO value \"{p}\""))),
    }
}

/// What `state delete|get` reads.
#[derive(Debug, Default)]
pub struct SaIdWords {
    pub id: IdWords,
    have_id: bool,
    pub mark: Mark,
}

/// `state delete ...` and `state get ...`: `mark`; any other word is the
/// ID (once).
pub static GET: [Walk<SaIdWords>; 2] = [
    Walk {
        name: "xfrm state delete",
        cmd: &STATE_GET,
        apply: &[],
        more: &[("mark", SaIdWords::mark)],
        other: Some(SaIdWords::id),
        stop: &[],
    },
    Walk {
        name: "xfrm state get",
        cmd: &STATE_GET,
        apply: &[],
        more: &[("mark", SaIdWords::mark)],
        other: Some(SaIdWords::id),
        stop: &[],
    },
];

impl SaIdWords {
    fn mark(&mut self, rest: &mut Rest<'_>) -> Result<()> {
        self.mark = w::mark(&mut Ahead::after(rest))?;
        Ok(())
    }

    fn id(&mut self, rest: &mut Rest<'_>) -> Result<()> {
        if self.have_id {
            return Err(invarg("unknown", rest.word()));
        }
        self.have_id = true;
        self.id = IdWords::default();
        w::id(&mut Ahead::from_word(rest), &mut self.id, false)
    }

    /// The key (without an ID, an empty one: the kernel refuses it, as
    /// it refuses ip's).
    pub fn key(&self) -> Result<SaKey> {
        let id = &self.id;
        Ok(SaKey {
            daddr: IdWords::bytes(id.daddr),
            spi: id.spi.unwrap_or(0).to_be_bytes(),
            family: id.family(),
            proto: id.proto.unwrap_or(0),
            saddr: self.have_id.then(|| IdWords::bytes(id.saddr)),
            mark: Some(self.mark).filter(|m| m.m & m.v != 0),
        })
    }
}

/// What `state show` reads: the filter.
#[derive(Debug, Default)]
pub struct SaShow {
    pub id: IdWords,
    have_id: bool,
    pub nokeys: bool,
    pub mode: Option<u8>,
    pub reqid: Option<u32>,
    pub flags: Option<u8>,
}

/// `state show ...`: the rows of `STATE_SHOW`; any other word is the ID
/// (once, protocol optional).
pub static SHOW: Walk<SaShow> = Walk {
    name: "xfrm state show",
    cmd: &STATE_SHOW,
    apply: &[
        ("nokeys", |s, _| {
            s.nokeys = true;
            Ok(())
        }),
        ("mode", |s, v| {
            s.mode = Some(w::mode(v)?);
            Ok(())
        }),
        ("reqid", |s, v| {
            s.reqid = Some(num(v, "REQID value is invalid")?);
            Ok(())
        }),
    ],
    more: &[("flag", |s, rest| {
        let f = w::flag_list(&mut Ahead::after(rest), w::STATE_FLAGS, 0xff)? as u8;
        s.flags = Some(s.flags.unwrap_or(0) | f);
        Ok(())
    })],
    other: Some(|s, rest| {
        if s.have_id {
            return Err(invarg("unknown", rest.word()));
        }
        s.have_id = true;
        let word = rest.word();
        let mut a = Ahead::from_word(rest);
        w::id(&mut a, &mut s.id, true)?;
        if a.first_left() {
            return Err(invarg("unknown", word));
        }
        Ok(())
    }),
    stop: &[],
};

/// `state flush [ proto XFRM-PROTO ]`: the protocol (0: all).
pub static FLUSH: Walk<Option<u8>> = Walk {
    name: "xfrm state flush",
    cmd: &STATE_FLUSH,
    apply: &[("proto", |p, v| {
        if p.is_some() {
            return Err(duparg("proto", "proto"));
        }
        *p = Some(w::xfrm_proto(v)?);
        Ok(())
    })],
    more: &[],
    other: Some(|_, rest| Err(invarg("unknown", rest.word()))),
    stop: &[],
};
