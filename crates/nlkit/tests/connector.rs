//! The proc connector against the real kernel: a child's fork, exec and
//! exit arrive with its pid and its exit status.

use nlkit::connector::{ProcEvent, ProcEvents, SeqGaps};
use nlkit::sub::{Item, Subscription};
use std::time::{Duration, Instant};

#[test]
fn a_childs_fork_exec_and_exit_with_its_status() {
    let mut sub = Subscription::open(ProcEvents::default()).unwrap();
    sub.socket().set_recv_buffer_size(8 << 20).unwrap();
    sub.socket().set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let child = std::process::Command::new("/bin/sh").args(["-c", "exit 3"]).spawn().unwrap();
    let pid = child.id() as i32;
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let (mut fork, mut exec, mut exit) = (false, false, None);
    let deadline = Instant::now() + Duration::from_secs(10);
    while exit.is_none() && Instant::now() < deadline {
        for item in sub.recv().unwrap() {
            let Item::Event { event, .. } = item else { continue };
            match event.event {
                ProcEvent::Fork { child, .. } if child.1 == pid => fork = true,
                ProcEvent::Exec(_, tgid) if tgid == pid => exec = true,
                ProcEvent::Exit { process, exit_code, .. } if process.1 == pid => {
                    exit = Some(exit_code)
                }
                _ => {}
            }
        }
    }
    assert!(fork && exec, "fork {fork}, exec {exec}");
    assert_eq!(exit.map(|code| code >> 8), Some(3), "the wait status carries exit 3");
}

fn ours(e: &ProcEvent, pids: &std::collections::HashSet<i32>) -> bool {
    match *e {
        ProcEvent::Fork { child, .. } => pids.contains(&child.1),
        ProcEvent::Exec(_, tgid) => pids.contains(&tgid),
        ProcEvent::Exit { process, .. } => pids.contains(&process.1),
        _ => false,
    }
}

#[test]
fn the_kernel_drops_what_a_listener_did_not_ask_for() {
    if !ProcEvents::kernel_filters() {
        eprintln!("skipped: this kernel (before 6.6) does not filter proc events");
        return;
    }
    let exits = ProcEvents { events: 0x8000_0000 };
    assert!(exits.filtered_in_kernel());
    let mut sub = Subscription::open(exits).unwrap();
    sub.socket().set_recv_buffer_size(8 << 20).unwrap();
    sub.socket().set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let child = std::process::Command::new("/bin/sh").args(["-c", "exit 4"]).spawn().unwrap();
    let pid = child.id() as i32;
    child.wait_with_output().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let (mut exit, mut others) = (None, 0);
    while exit.is_none() && Instant::now() < deadline {
        for item in sub.recv().unwrap() {
            let Item::Event { event, .. } = item else { continue };
            match event.event {
                ProcEvent::Exit { process, exit_code, .. } if process.1 == pid => {
                    exit = Some(exit_code)
                }
                ProcEvent::Exit { .. } | ProcEvent::Ack { .. } => {}
                _ => others += 1,
            }
        }
    }
    assert_eq!(exit.map(|c| c >> 8), Some(4));
    // Nothing but exits reached the socket: not ours (fork, exec), nor
    // anyone else's.
    assert_eq!(others, 0);
}

/// One child pinned to each CPU (exec and exit happen there); their pids.
fn one_per_cpu() -> Vec<i32> {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    (0..cpus)
        .map(|cpu| {
            let child = std::process::Command::new("taskset")
                .args(["-c", &cpu.to_string(), "/bin/true"])
                .spawn()
                .unwrap();
            let pid = child.id() as i32;
            child.wait_with_output().unwrap();
            pid
        })
        .collect()
}

#[test]
fn every_event_not_received_is_counted_lost() {
    // A gap shows between two events of one CPU: every CPU's counter is
    // first seen (one child on each), then a burst overflows the smallest
    // queue the kernel allows, then one child on each CPU again shows
    // where each counter went.
    let mut sub = Subscription::open(ProcEvents::default()).unwrap();
    sub.socket().set_recv_buffer_size(8 << 20).unwrap();
    sub.socket().set_nonblocking(true).unwrap();
    let mut pids = std::collections::HashSet::new();
    let (mut gaps, mut received, mut overruns) = (SeqGaps::default(), 0u64, 0);
    let mut read = |sub: &mut Subscription<ProcEvents>,
                    gaps: &mut SeqGaps,
                    pids: &std::collections::HashSet<i32>,
                    waiting: &mut Vec<i32>| {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            while let Some(batch) = sub.try_recv().unwrap() {
                for item in batch {
                    match item {
                        Item::Event { event, .. } => {
                            gaps.see(&event);
                            received += u64::from(ours(&event.event, pids));
                            if let ProcEvent::Exit { process, .. } = event.event {
                                waiting.retain(|&p| p != process.1);
                            }
                        }
                        Item::Overrun => overruns += 1,
                        _ => {}
                    }
                }
            }
            if waiting.is_empty() || Instant::now() > deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(waiting.is_empty(), "the pinned children's exits came");
    };
    read(&mut sub, &mut gaps, &pids, &mut one_per_cpu());
    assert_eq!(gaps.lost, 0, "nothing lost with room to spare");
    sub.socket().set_recv_buffer_size(0).unwrap();
    for _ in 0..200 {
        let child = std::process::Command::new("/bin/true").spawn().unwrap();
        pids.insert(child.id() as i32);
        child.wait_with_output().unwrap();
    }
    read(&mut sub, &mut gaps, &pids, &mut Vec::new());
    sub.socket().set_recv_buffer_size(8 << 20).unwrap();
    read(&mut sub, &mut gaps, &pids, &mut one_per_cpu());
    // 200 children: a fork, an exec and an exit each.
    assert!(overruns > 0, "the burst overflowed the queue");
    assert!(received < 600, "{received}");
    assert!(gaps.lost >= 600 - received, "lost {} < {}", gaps.lost, 600 - received);
}
