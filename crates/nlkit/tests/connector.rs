//! The proc connector against the real kernel: a child's fork, exec and
//! exit arrive with its pid and its exit status.

use nlkit::connector::{ProcEvent, ProcEvents};
use nlkit::sub::{Item, Subscription};
use std::time::{Duration, Instant};

#[test]
fn a_childs_fork_exec_and_exit_with_its_status() {
    let mut sub = Subscription::open(ProcEvents).unwrap();
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
