//! The walks of `nlkit xfrm policy`: `add|update` (`xfrm_policy_modify`),
//! `delete|get` (`xfrm_policy_get_or_delete`), `show`
//! (`xfrm_policy_list_or_deleteall`) and `flush`, over the rows of
//! `grammar::xfrm`, into plain argument structs; a word no row matches is
//! the selector, once.

use super::words::{self as w, duparg, Ahead, SelWords};
use crate::grammar::walk::{Apply, More, Rest, Walk};
use crate::grammar::xfrm::{POLICY_ADD, POLICY_FLUSH, POLICY_GET, POLICY_SHOW};
use crate::report::{invarg, plain};
use anyhow::Result;
use nlkit::xfrm::policy::PolicyKey;
use nlkit::xfrm::structs::{LifetimeCfg, Mark, UserpolicyType};
use nlkit::xfrm::*;

fn num<T: TryFrom<u64>>(v: &str, what: &str) -> Result<T> {
    crate::words::number(v).ok_or_else(|| invarg(what, v))
}

/// What `policy add|update|delete|get` read.
#[derive(Debug)]
pub struct PolicyWords {
    pub p: Policy,
    /// The selector (its device by name).
    pub sel: SelWords,
    have_sel: bool,
    dir: bool,
    index: bool,
    ptype: bool,
    mark: Mark,
    /// `add|update` (a second selector is `duparg`, not `invarg`).
    modify: bool,
}

impl PolicyWords {
    /// Words of `add|update` (`modify`) or `delete|get`.
    pub fn new(modify: bool) -> Self {
        let mut p = Policy::default();
        p.info.lft = LifetimeCfg::INFINITE;
        PolicyWords {
            p,
            sel: SelWords::default(),
            have_sel: false,
            dir: false,
            index: false,
            ptype: false,
            mark: Mark::default(),
            modify,
        }
    }

    /// A word no row matches: the selector, once (ip reads a word the
    /// selector does not take again, as a second selector).
    fn selector(&mut self, rest: &mut Rest<'_>) -> Result<()> {
        let word = rest.word();
        if !self.have_sel {
            self.have_sel = true;
            let mut a = Ahead::from_word(rest);
            w::selector(&mut a, &mut self.sel)?;
            if !a.first_left() {
                return Ok(());
            }
        }
        match self.modify {
            true => Err(duparg("unknown", word)),
            false => Err(invarg("unknown", word)),
        }
    }

    /// `add|update`'s policy: DIR required; the selector's device still a
    /// name.
    pub fn policy(mut self) -> Result<(Policy, Option<String>)> {
        if !self.dir {
            return Err(plain("Not enough information: DIR is required."));
        }
        if self.mark.m != 0 {
            self.p.mark = Some(self.mark);
        }
        self.p.info.sel = self.sel.sel;
        if self.p.info.sel.family == 0 {
            self.p.info.sel.family = libc::AF_INET as u16;
        }
        Ok((self.p, self.sel.dev))
    }

    /// `delete|get`'s key: DIR, and a selector or an index (not both).
    pub fn key(self) -> Result<(PolicyKey, Option<String>)> {
        if !self.dir {
            return Err(plain("Not enough information: DIR is required."));
        }
        if !self.have_sel && !self.index {
            return Err(plain("Not enough information: either SELECTOR or INDEX is required."));
        }
        if self.have_sel && self.index {
            return Err(anyhow::anyhow!(
                "either \"SELECTOR\" is duplicate, or \"INDEX\" is a garbage."
            ));
        }
        let mut sel = self.sel.sel;
        if sel.family == 0 {
            sel.family = libc::AF_INET as u16;
        }
        let key = PolicyKey {
            sel,
            index: self.p.info.index,
            dir: self.p.info.dir,
            mark: Some(self.mark).filter(|m| m.m & m.v != 0),
            if_id: self.p.if_id,
            ptype: self.p.ptype.map(|t| t.ptype),
        };
        Ok((key, self.sel.dev))
    }
}

/// The rows `add|update` and `delete|get` share (`index` aside).
const COMMON: [(&str, Apply<PolicyWords>); 3] = [
    ("dir", |p, v| {
        if p.dir {
            return Err(duparg("dir", "dir"));
        }
        p.dir = true;
        p.p.info.dir = w::dir(v)?;
        Ok(())
    }),
    ("ptype", |p, v| {
        if p.ptype {
            return Err(duparg("ptype", "ptype"));
        }
        p.ptype = true;
        p.p.ptype = Some(UserpolicyType { ptype: w::ptype(v)?, ..Default::default() });
        Ok(())
    }),
    ("if_id", |p, v| {
        p.p.if_id = Some(num(v, "IF_ID value is invalid")?);
        Ok(())
    }),
];

const ADD_APPLY: &[(&str, Apply<PolicyWords>)] = &[
    COMMON[0],
    COMMON[1],
    COMMON[2],
    ("index", |p, v| {
        p.p.info.index = num(v, "INDEX value is invalid")?;
        Ok(())
    }),
    ("action", |p, v| {
        p.p.info.action = w::action(v)?;
        Ok(())
    }),
    ("priority", |p, v| {
        p.p.info.priority = num(v, "PRIORITY value is invalid")?;
        Ok(())
    }),
];

const ADD_MORE: &[(&str, More<PolicyWords>)] = &[
    ("mark", PolicyWords::mark),
    ("flag", |p, rest| {
        p.p.info.flags |= w::flag_list(&mut Ahead::after(rest), w::POLICY_FLAGS, 0xff)? as u8;
        Ok(())
    }),
    ("limit", |p, rest| w::limit(&mut Ahead::after(rest), &mut p.p.info.lft)),
    ("tmpl", |p, rest| {
        let mut t = w::tmpl(&mut Ahead::after(rest))?;
        // An ID without addresses: the selector's family (ip's
        // preferred_family, which the selector set).
        if t.saddr == [0; 16] && t.id.daddr == [0; 16] && p.sel.sel.family != 0 {
            t.family = p.sel.sel.family;
        }
        p.p.tmpls.push(t);
        Ok(())
    }),
];

impl PolicyWords {
    fn mark(&mut self, rest: &mut Rest<'_>) -> Result<()> {
        self.mark = w::mark(&mut Ahead::after(rest))?;
        Ok(())
    }
}

/// `policy add ...` and `policy update ...`.
pub static ADD: [Walk<PolicyWords>; 2] = [
    Walk {
        name: "xfrm policy add",
        cmd: &POLICY_ADD,
        apply: ADD_APPLY,
        more: ADD_MORE,
        other: Some(PolicyWords::selector),
        stop: &[],
    },
    Walk {
        name: "xfrm policy update",
        cmd: &POLICY_ADD,
        apply: ADD_APPLY,
        more: ADD_MORE,
        other: Some(PolicyWords::selector),
        stop: &[],
    },
];

const GET_APPLY: &[(&str, Apply<PolicyWords>)] = &[
    COMMON[0],
    COMMON[1],
    COMMON[2],
    ("index", |p, v| {
        if p.index {
            return Err(duparg("index", "index"));
        }
        p.index = true;
        p.p.info.index = num(v, "INDEX value is invalid")?;
        Ok(())
    }),
];

/// `policy delete ...` and `policy get ...`.
pub static GET: [Walk<PolicyWords>; 2] = [
    Walk {
        name: "xfrm policy delete",
        cmd: &POLICY_GET,
        apply: GET_APPLY,
        more: &[("mark", PolicyWords::mark)],
        other: Some(PolicyWords::selector),
        stop: &[],
    },
    Walk {
        name: "xfrm policy get",
        cmd: &POLICY_GET,
        apply: GET_APPLY,
        more: &[("mark", PolicyWords::mark)],
        other: Some(PolicyWords::selector),
        stop: &[],
    },
];

/// What `policy show` reads: the filter.
#[derive(Debug, Default)]
pub struct PolicyShow {
    pub sel: SelWords,
    have_sel: bool,
    pub dir: Option<u8>,
    pub index: Option<u32>,
    pub ptype: Option<u8>,
    pub action: Option<u8>,
    pub priority: Option<u32>,
    pub flags: Option<u8>,
    pub nosock: bool,
}

/// `policy show ...`: the rows of `POLICY_SHOW`; any other word is the
/// selector (once).
pub static SHOW: Walk<PolicyShow> = Walk {
    name: "xfrm policy show",
    cmd: &POLICY_SHOW,
    apply: &[
        ("dir", |s, v| {
            s.dir = Some(w::dir(v)?);
            Ok(())
        }),
        ("index", |s, v| {
            s.index = Some(num(v, "INDEX value is invalid")?);
            Ok(())
        }),
        ("ptype", |s, v| {
            s.ptype = Some(w::ptype(v)?);
            Ok(())
        }),
        ("action", |s, v| {
            s.action = Some(w::action(v)?);
            Ok(())
        }),
        ("priority", |s, v| {
            s.priority = Some(num(v, "PRIORITY value is invalid")?);
            Ok(())
        }),
        ("nosock", |s, _| {
            s.nosock = true;
            Ok(())
        }),
    ],
    more: &[("flag", |s, rest| {
        let f = w::flag_list(&mut Ahead::after(rest), w::POLICY_FLAGS, 0xff)? as u8;
        s.flags = Some(s.flags.unwrap_or(0) | f);
        Ok(())
    })],
    other: Some(|s, rest| {
        let word = rest.word();
        if !s.have_sel {
            s.have_sel = true;
            let mut a = Ahead::from_word(rest);
            w::selector(&mut a, &mut s.sel)?;
            if !a.first_left() {
                return Ok(());
            }
        }
        Err(invarg("unknown", word))
    }),
    stop: &[],
};

/// `policy flush [ ptype PTYPE ]`.
pub static FLUSH: Walk<Option<u8>> = Walk {
    name: "xfrm policy flush",
    cmd: &POLICY_FLUSH,
    apply: &[("ptype", |t, v| {
        if t.is_some() {
            return Err(duparg("ptype", "ptype"));
        }
        *t = Some(w::ptype(v)?);
        Ok(())
    })],
    more: &[],
    other: Some(|_, rest| Err(invarg("unknown", rest.word()))),
    stop: &[],
};
