//! The IPv4 route dump through the run-time spec path (`nlkit-spec`): the
//! kernel's `rt_route` YNL spec (6.12) loaded and validated at start, then
//! every reply walked by the spec (each attribute and fixed-header field
//! read as its type: the same work as `nlkit_walk`'s typed view), counted.
//! `--json` builds each reply's JSON object instead (what `nlkit spec`
//! prints, without the printing).
//!
//! Prints the count.

use nlkit_bench::{die, Opts};
use nlkit_spec::client::Client;
use nlkit_spec::decode::{Item, Open, Visitor};
use nlkit_spec::Spec;

/// Reads every item: sums what is numeric, counts the rest.
#[derive(Default)]
struct Touch {
    sum: u64,
    items: u64,
}

impl<'a> Visitor<'a> for Touch {
    fn item(&mut self, _name: &'a str, _multi: bool, item: Item<'a>) {
        self.items += 1;
        self.sum = self.sum.wrapping_add(match item {
            Item::Unsigned(u) | Item::Hex(u) | Item::Enum(u, _, _) => u,
            Item::Signed(i) => i as u64,
            Item::Str(s) => s.len() as u64,
            Item::Bytes(b, _) => b.len() as u64,
            _ => 1,
        });
    }
    fn open(&mut self, _name: &'a str, _multi: bool, _kind: Open) {}
    fn close(&mut self) {}
}

fn main() {
    let opts = Opts::parse(&["--json"]);
    let json = opts.extra.iter().any(|e| e == "--json");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../specs/ynl/6.12/rt_route.yaml");
    let spec = Spec::load(path).unwrap_or_else(|e| die(&e.to_string()));
    let mut client = Client::open_in(&spec, opts.netns.as_deref()).unwrap_or_else(|e| die(&e.to_string()));
    let request = serde_json::json!({"rtm-family": 2});
    let request = request.as_object().cloned().unwrap_or_default();
    let (mut count, mut touch) = (0u64, Touch::default());
    client
        .dump_replies("getroute", &request, |r| {
            count += 1;
            if json {
                touch.items += r.to_json().as_object().map_or(0, |o| o.len() as u64);
            } else {
                r.walk(&mut touch);
            }
        })
        .unwrap_or_else(|e| die(&e.to_string()));
    std::hint::black_box((touch.sum, touch.items));
    println!("{count}");
}
