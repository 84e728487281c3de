//! Makes kernel events fast, for `bench/events.sh`: process events from
//! threads made and joined (each a fork and an exit on the proc
//! connector; far cheaper than processes), or uevents from writing
//! `change` to a device's `uevent` file (a synthetic uevent; run inside
//! `ip netns exec` on a namespace's `lo`, only that namespace's
//! listeners get it). At most `--rate` a second when given, else as fast
//! as `--loops` threads go. Prints how many were made and how long it
//! took.
//!
//! Usage: event_storm threads N [--loops K] [--rate R]
//!        event_storm uevent N PATH [--rate R]

use std::io::Write;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        let at = args.iter().position(|a| a == name)?;
        Some(
            args.get(at + 1)
                .and_then(|v| v.parse::<u64>().ok())
                .filter(|&v| v > 0)
                .unwrap_or_else(|| usage()),
        )
    };
    let n: u64 = args.get(1).and_then(|v| v.parse().ok()).unwrap_or_else(|| usage());
    let rate = flag("--rate");
    let start = Instant::now();
    match args.first().map(String::as_str) {
        Some("threads") => {
            let loops = flag("--loops").unwrap_or(2);
            let each = n / loops;
            let workers: Vec<_> = (0..loops)
                .map(|_| {
                    std::thread::spawn(move || {
                        paced(each, rate.map(|r| r / loops), || {
                            std::thread::spawn(|| {}).join().unwrap();
                        })
                    })
                })
                .collect();
            for w in workers {
                w.join().unwrap();
            }
            report("threads", each * loops, start.elapsed());
        }
        Some("uevent") => {
            let path = args.get(2).unwrap_or_else(|| usage());
            let mut file = std::fs::OpenOptions::new().write(true).open(path).unwrap_or_else(|e| {
                eprintln!("event_storm: {path}: {e}");
                std::process::exit(1)
            });
            paced(n, rate, || {
                file.write_all(b"change").expect("writing the uevent file");
            });
            report("uevents", n, start.elapsed());
        }
        _ => usage(),
    }
}

fn usage() -> ! {
    eprintln!("usage: event_storm threads N [--loops K] [--rate R] | uevent N PATH [--rate R]");
    std::process::exit(2)
}

/// Calls `make` `n` times, at most `rate` a second (checked every 64).
fn paced(n: u64, rate: Option<u64>, mut make: impl FnMut()) {
    let start = Instant::now();
    for i in 0..n {
        if let (Some(r), 0) = (rate, i % 64) {
            let due = Duration::from_secs_f64(i as f64 / r as f64);
            if let Some(wait) = due.checked_sub(start.elapsed()) {
                std::thread::sleep(wait);
            }
        }
        make();
    }
}

fn report(what: &str, n: u64, took: Duration) {
    let s = took.as_secs_f64();
    println!("{n} {what} in {s:.3} s ({:.0}/s)", n as f64 / s);
}
