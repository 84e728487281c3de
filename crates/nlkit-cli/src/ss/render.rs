//! `ss`'s table layout (iproute2 6.1, misc/ss.c `render`): every line is
//! one token per enabled column, the whole table is measured before it is
//! printed, and each column is as wide as its longest token plus its left
//! delimiter. Piped (no terminal), that is all; on a terminal the space
//! left on each screen line is shared out among its columns, and columns
//! that do not fit wrap to the next line, aligned.

use std::io::Write;

/// How a column's tokens sit in its width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// One column: alignment, header, and the delimiter printed before it
/// when it is not the first on its line.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub align: Align,
    pub header: &'static str,
    pub ldelim: &'static str,
}

/// A table being filled: rows of one token per column, all tokens in one
/// buffer (the hot path allocates nothing per cell), each column's
/// longest token measured as it comes.
#[derive(Debug)]
pub struct Table {
    columns: Vec<Column>,
    text: Vec<u8>,
    /// Where each cell ends in `text`; cell `i` starts where `i - 1` ends.
    ends: Vec<u32>,
    /// The longest token of each column so far.
    max: Vec<usize>,
    /// The column of the next cell.
    next: usize,
    /// The next-to-last column's longest token before the last row's.
    before_last: usize,
    /// How many cells the header took (0 without one).
    header_cells: usize,
}

impl Table {
    /// An empty table of these columns; with `header`, the first row is
    /// the headers (the last column's header is never printed, as ss).
    pub fn new(columns: Vec<Column>, header: bool) -> Table {
        let n = columns.len();
        let mut t = Table {
            columns,
            text: Vec::with_capacity(1 << 20),
            ends: Vec::with_capacity(1 << 14),
            max: vec![0; n],
            next: 0,
            before_last: 0,
            header_cells: 0,
        };
        if header {
            for i in 0..n {
                let head = if i + 1 == n { "" } else { t.columns[i].header };
                t.cell(head);
            }
            t.header_cells = n;
        }
        t
    }

    /// The buffer the current cell is written into; [`end_cell`](Self::end_cell) closes it.
    pub fn buf(&mut self) -> &mut Vec<u8> {
        &mut self.text
    }

    /// Closes the current cell (ss keeps a token to 65,535 bytes; so does
    /// the measure here).
    pub fn end_cell(&mut self) {
        let start = self.ends.last().map_or(0, |&e| e as usize);
        let len = (self.text.len() - start).min(usize::from(u16::MAX));
        if self.next + 2 == self.columns.len() {
            self.before_last = self.max[self.next];
        }
        self.max[self.next] = self.max[self.next].max(len);
        self.next = (self.next + 1) % self.columns.len();
        self.ends.push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
    }

    /// Forgets the rows printed, keeps the measures (ss's `render` frees
    /// its buffer, not its columns' widths: `ss -E` lines keep the widest
    /// seen so far). The last row's details were never measured, so their
    /// measure is taken back.
    pub fn clear_rows(&mut self) {
        let n = self.columns.len();
        if self.ends.len() > self.header_cells && n >= 2 {
            self.max[n - 2] = self.before_last;
        }
        self.text.clear();
        self.ends.clear();
        self.header_cells = 0;
        self.next = 0;
    }

    /// Adds a cell of `s`.
    pub fn cell(&mut self, s: &str) {
        self.text.extend_from_slice(s.as_bytes());
        self.end_cell();
    }

    /// Each column's width, as ss measures it for a screen of `screen`
    /// columns (`None`: not a terminal).
    fn widths(&self, screen: Option<usize>) -> Vec<usize> {
        let n = self.columns.len();
        // ss measures a token when the next one starts; the last row has
        // no token after its next-to-last column's (the details: -e, -p,
        // -m), so that one is left out of the measure.
        let mut max = self.max.clone();
        if self.ends.len() > self.header_cells && n >= 2 {
            max[n - 2] = self.before_last;
        }
        let max = &max;
        let limit = screen.unwrap_or(usize::MAX);
        let mut first = true;
        let mut widths = Vec::with_capacity(n);
        for (c, col) in self.columns.iter().enumerate() {
            let w = if !first && max[c] > 0 { max[c] + col.ldelim.len() } else { max[c] };
            let w = w.min(limit);
            if w > 0 {
                first = false;
            }
            widths.push(w);
        }
        let Some(screen) = screen else { return widths };
        // Share the space left on each screen line among its columns.
        let (mut len, mut linecols, mut eol) = (0usize, 0usize, 0usize);
        let mut c = 0usize;
        while c < n {
            if widths[c] == 0 {
                c += 1;
                continue;
            }
            linecols += 1;
            len += widths[c];
            let last = !widths[c + 1..].iter().any(|&w| w > 0);
            if !last && len < screen {
                c += 1;
                continue;
            }
            if len != screen {
                let mut end = c;
                if len > screen {
                    len -= widths[c];
                    linecols -= 1;
                    end = c.wrapping_sub(1);
                }
                if linecols > 0 && end != usize::MAX {
                    let pad = screen - len;
                    let (spacing, mut rem) = (pad / linecols, pad % linecols);
                    for w in widths[eol..=end].iter_mut().rev().filter(|w| **w > 0) {
                        *w += spacing;
                        if rem > 0 {
                            *w += 1;
                            rem -= 1;
                        }
                    }
                }
                c = end.wrapping_add(1);
            } else {
                c += 1;
            }
            eol = c;
            len = 0;
            linecols = 0;
        }
        widths
    }

    /// Prints the table as ss does: on a screen of `screen` columns, or
    /// compact when `None`.
    pub fn print(&self, out: &mut impl Write, screen: Option<usize>) -> std::io::Result<()> {
        let n = self.columns.len();
        if self.ends.is_empty() || n == 0 {
            return Ok(());
        }
        let widths = self.widths(screen);
        let first = widths.iter().position(|&w| w > 0).unwrap_or(0);
        let mut line = Vec::with_capacity(1 << 16);
        let mut start = 0usize;
        for row in self.ends.chunks(n) {
            let mut started = false;
            for (c, &end) in row.iter().enumerate() {
                let token = &self.text[start.min(end as usize)..end as usize];
                start = end as usize;
                if c < first {
                    continue;
                }
                let (col, width) = (&self.columns[c], widths[c]);
                let mut printed = 0;
                if started {
                    line.extend_from_slice(col.ldelim.as_bytes());
                    printed = col.ldelim.len();
                }
                started = true;
                if width > 0 && col.align == Align::Right {
                    let s = width.saturating_sub(token.len() + printed);
                    line.resize(line.len() + s, b' ');
                    printed += s;
                }
                line.extend_from_slice(token);
                printed += token.len();
                if width > 0 && col.align == Align::Left {
                    line.resize(line.len() + width.saturating_sub(printed), b' ');
                }
            }
            line.push(b'\n');
            if line.len() >= 1 << 15 {
                out.write_all(&line)?;
                line.clear();
            }
        }
        out.write_all(&line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols() -> Vec<Column> {
        vec![
            Column { align: Align::Left, header: "State", ldelim: "" },
            Column { align: Align::Left, header: "Recv-Q", ldelim: " " },
            Column { align: Align::Right, header: "Local Address:", ldelim: " " },
            Column { align: Align::Left, header: "Port", ldelim: "" },
            Column { align: Align::Left, header: "", ldelim: "" },
        ]
    }

    #[test]
    fn compact_widths_are_the_longest_token_and_its_delimiter() {
        let mut t = Table::new(cols(), true);
        for cell in
            ["LISTEN", "0     ", "127.0.0.1:", "22", "", "ESTAB", "5     ", "*:", "60614", ""]
        {
            t.cell(cell);
        }
        let mut out = Vec::new();
        t.print(&mut out, None).unwrap();
        // The next-to-last column's token of the last row ("60614") is
        // left out of the measure, as ss leaves it: "Port" and "22" set
        // the width.
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "State  Recv-Q Local Address:Port\nLISTEN 0          127.0.0.1:22  \n\
             ESTAB  5                  *:60614\n"
        );
    }

    #[test]
    fn a_screen_shares_its_space_and_never_panics() {
        let mut t = Table::new(cols(), true);
        for cell in ["LISTEN", "0     ", "127.0.0.1:", "22", ""] {
            t.cell(cell);
        }
        for screen in [1, 5, 20, 40, 80, 200] {
            let mut out = Vec::new();
            t.print(&mut out, Some(screen)).unwrap();
            let text = String::from_utf8(out).unwrap();
            if screen >= 40 {
                assert!(text.lines().all(|l| l.len() == screen), "{screen}: {text:?}");
            }
        }
    }
}
