//! A deadline any executor can wait on, for the async adapter: one
//! background thread sleeps until the earliest registered deadline and
//! wakes its task. It needs no runtime timer (tokio's panics in a runtime
//! built without `enable_time`), and costs one thread for the whole
//! process, started on first use.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::task::{Context, Poll, Waker};
use std::time::Instant;

/// One registered deadline: when, whom to wake, and whether it fired.
struct Entry {
    at: Instant,
    waker: Waker,
    fired: Arc<AtomicBool>,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.at.cmp(&other.at)
    }
}

/// The deadlines waiting, earliest first, and the signal to the thread.
struct Timer {
    heap: Mutex<BinaryHeap<Reverse<Entry>>>,
    changed: Condvar,
}

fn timer() -> &'static Timer {
    static TIMER: OnceLock<&'static Timer> = OnceLock::new();
    TIMER.get_or_init(|| {
        let t: &'static Timer =
            Box::leak(Box::new(Timer { heap: Mutex::default(), changed: Condvar::new() }));
        let _ = std::thread::Builder::new().name("nlkit-deadline".into()).spawn(move || run(t));
        t
    })
}

/// The thread: wakes each entry when its time comes.
fn run(t: &'static Timer) {
    let mut heap = t.heap.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let now = Instant::now();
        while heap.peek().is_some_and(|Reverse(e)| e.at <= now) {
            if let Some(Reverse(e)) = heap.pop() {
                e.fired.store(true, Ordering::Release);
                e.waker.wake();
            }
        }
        heap = match heap.peek().map(|Reverse(e)| e.at) {
            Some(at) => {
                let wait = at.saturating_duration_since(now);
                t.changed.wait_timeout(heap, wait).unwrap_or_else(|e| e.into_inner()).0
            }
            None => t.changed.wait(heap).unwrap_or_else(|e| e.into_inner()),
        };
    }
}

/// A future that is ready at `at`.
pub(crate) struct Deadline {
    at: Instant,
    fired: Arc<AtomicBool>,
    registered: bool,
}

impl Deadline {
    pub(crate) fn new(at: Instant) -> Self {
        Deadline { at, fired: Arc::default(), registered: false }
    }
}

impl Future for Deadline {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.fired.load(Ordering::Acquire) || Instant::now() >= self.at {
            return Poll::Ready(());
        }
        if !self.registered {
            // Registered once: the task's waker is the same for the life of
            // an exchange (a new one would only wake the same task).
            let t = timer();
            let entry = Entry { at: self.at, waker: cx.waker().clone(), fired: self.fired.clone() };
            t.heap.lock().unwrap_or_else(|e| e.into_inner()).push(Reverse(entry));
            t.changed.notify_one();
            self.registered = true;
        }
        Poll::Pending
    }
}

/// Runs `fut` until it is ready or `deadline` comes (then `None`); the
/// same deadline serves every wait of an exchange.
pub(crate) async fn until<F: Future>(deadline: &mut Deadline, fut: F) -> Option<F::Output> {
    let mut fut = std::pin::pin!(fut);
    std::future::poll_fn(|cx| {
        if let Poll::Ready(v) = fut.as_mut().poll(cx) {
            return Poll::Ready(Some(v));
        }
        match Pin::new(&mut *deadline).poll(cx) {
            Poll::Ready(()) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    })
    .await
}
