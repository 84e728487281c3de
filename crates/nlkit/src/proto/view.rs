//! What every view of an attribute set shares: it keeps the bytes it was
//! read from, so nothing is lost; it says which attributes it did not know
//! and which it could not read; it writes itself back byte for byte.

use nlkit_wire::{Attr, Attrs, Error, MessageBuilder};

/// Reads a run of attributes into a view, leniently, as nlkit reads what
/// the kernel sends: an attribute of a known kind that does not read as
/// such (a wrong size from a newer or patched kernel) leaves its field
/// unset and is kept raw, and reading goes on; broken framing ends the
/// run, keeping what came before. [`View::malformed`] says what was
/// passed over. (What nlkit builds is checked strictly by its builders.)
pub fn read_leniently<'a>(attrs: &'a [u8], mut take: impl FnMut(&Attr<'a>) -> Result<bool, Error>) {
    for a in Attrs::new(attrs).map_while(Result::ok) {
        let _ = take(&a);
    }
}

/// What [`read_leniently`] passed over in `attrs`, found again by reading
/// each attribute with `probe` (a copy of the view's reader).
pub fn malformed_in<'a, P>(
    attrs: &'a [u8],
    mut probe: P,
) -> impl Iterator<Item = BadAttr> + use<'a, P>
where
    P: FnMut(&Attr<'a>) -> Result<bool, Error>,
{
    let mut attrs = Attrs::new(attrs);
    std::iter::from_fn(move || loop {
        match attrs.next()? {
            Ok(a) => {
                if let Err(error) = probe(&a) {
                    return Some(BadAttr { kind: Some(a.kind()), error });
                }
            }
            Err(error) => return Some(BadAttr { kind: None, error }),
        }
    })
}

/// An attribute a view passed over: one of a known kind that did not read
/// as such, or the point where the attribute framing broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadAttr {
    /// The attribute's kind, or `None` where the framing broke (the rest of
    /// the run was not read).
    pub kind: Option<u16>,
    /// What was wrong.
    pub error: Error,
}

/// How a view reads one attribute into its fields: the hook [`View`]
/// builds on, implemented by the table macros.
pub trait ReadAttr<'a> {
    /// Fills the field `a` is for; whether it was one the view reads.
    fn read_attr(&mut self, a: &Attr<'a>) -> Result<bool, Error>;
    /// Whether the view knows attributes of type `kind`.
    fn knows(&self, kind: u16) -> bool;
}

/// What every view of a message (a fixed header and a run of attributes)
/// shares: it keeps both, so attributes it does not read are never lost.
pub trait View<'a>: ReadAttr<'a> + Clone {
    /// The fixed header's bytes (`[u8; N]`).
    type HeaderBytes: AsRef<[u8]>;

    /// The fixed family header as bytes.
    fn header_bytes(&self) -> Self::HeaderBytes;

    /// The attribute bytes, exactly as received.
    fn raw_attrs(&self) -> &'a [u8];

    /// All attributes as received.
    fn attrs(&self) -> Attrs<'a> {
        Attrs::new(self.raw_attrs())
    }

    /// The first attribute of type `kind`, as received.
    fn raw_attr(&self, kind: u16) -> Option<Attr<'a>> {
        self.attrs().map_while(Result::ok).find(|a| a.kind() == kind)
    }

    /// Attributes the view does not know (from newer kernels), in order.
    fn unknown(&self) -> impl Iterator<Item = Attr<'a>> {
        let view = self.clone();
        self.attrs().map_while(Result::ok).filter(move |a| !view.knows(a.kind()))
    }

    /// What reading passed over (see [`read_leniently`]): attributes of
    /// known kinds that did not read as such, kept raw, and broken
    /// framing. Empty for a well-formed message; computed on demand, so
    /// reading a dump costs nothing more.
    fn malformed(&self) -> impl Iterator<Item = BadAttr> {
        let mut probe = self.clone();
        malformed_in(self.raw_attrs(), move |a| probe.read_attr(a))
    }

    /// Writes the object back: the header and every attribute exactly as
    /// received, so a parse then emit gives the same bytes.
    fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), Error> {
        b.append(self.header_bytes().as_ref())?;
        b.append(self.raw_attrs())
    }
}
