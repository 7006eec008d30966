//! Oldest-first scheduling of guest work: of the requests ready to run, the one that arrived first
//! goes first.
//!
//! tokio runs ready tasks round-robin. When a thousand requests arrive at once and each needs a
//! few short turns on the CPU, round-robin interleaves every turn of every request with every
//! other, so all of them (and the browsing traffic that arrives meanwhile) finish late, together.
//! Here each request's guest task carries a ticket in arrival order; when it is polled while an
//! older request is ready, it steps aside until no older one is, so a burst is worked off in the
//! order it came and later requests wait for it once instead of being slowed all the way through.
//! A request stays in line only while it is cheap: after [`PRIORITY_CPU`] of polling it takes a
//! new ticket at the back, so a guest that computes for long cannot hold everyone else up.
//!
//! The order is kept by wrapping each poll's waker: a wake marks the ticket ready. A task that
//! steps aside is parked here (not in tokio) and woken again when it is the oldest one waiting.

use std::collections::{BTreeMap, BTreeSet};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

/// How much polling a request may use before it loses its place in line.
const PRIORITY_CPU: Duration = Duration::from_millis(20);

/// The line of requests of one HTTP listener.
#[derive(Default)]
pub struct Scheduler {
    next_ticket: AtomicU64,
    line: Mutex<Line>,
}

#[derive(Default)]
struct Line {
    /// Tasks tokio will poll: woken, or new.
    ready: BTreeSet<u64>,
    /// Tasks that stepped aside, with the waker that puts them back into tokio's queue.
    parked: BTreeMap<u64, Waker>,
}

impl Line {
    /// Keeps the oldest waiting task scheduled: parked tasks are woken only when no older task is
    /// ready to run, so the oldest is never left parked.
    fn schedule_oldest(&mut self) -> Option<Waker> {
        let (&oldest_parked, _) = self.parked.first_key_value()?;
        if self.ready.first().is_some_and(|&ready| ready < oldest_parked) {
            return None;
        }
        let waker = self.parked.remove(&oldest_parked)?;
        self.ready.insert(oldest_parked);
        Some(waker)
    }
}

impl Scheduler {
    /// Runs `future` as a request that arrived now.
    pub fn run<F: Future>(self: &Arc<Self>, future: F) -> InOrder<F> {
        let ticket = self.take_ticket();
        self.lock().ready.insert(ticket);
        InOrder {
            scheduler: self.clone(),
            ticket: Arc::new(AtomicU64::new(ticket)),
            waker: None,
            cpu: Duration::ZERO,
            inner: Box::pin(future),
        }
    }

    fn take_ticket(&self) -> u64 {
        self.next_ticket.fetch_add(1, Ordering::Relaxed)
    }

    fn lock(&self) -> MutexGuard<'_, Line> {
        self.line.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A task's place in line, shared with its wakers; [`FINISHED`] once the task is gone, so a late
/// wake cannot put a ticket in line that no task will ever take out.
type Ticket = Arc<AtomicU64>;

const FINISHED: u64 = u64::MAX;

/// A future run in arrival order ([`Scheduler::run`]).
pub struct InOrder<F> {
    scheduler: Arc<Scheduler>,
    ticket: Ticket,
    /// The waker given to the inner future, rebuilt only when tokio's waker changes.
    waker: Option<(Waker, Waker)>,
    cpu: Duration,
    inner: Pin<Box<F>>,
}

/// Marks its task ready, then wakes it.
struct TicketWaker {
    scheduler: Arc<Scheduler>,
    ticket: Ticket,
    task: Waker,
}

impl Wake for TicketWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        {
            // The ticket is read and changed only under the lock.
            let mut line = self.scheduler.lock();
            let ticket = self.ticket.load(Ordering::Relaxed);
            if ticket == FINISHED {
                return;
            }
            line.parked.remove(&ticket);
            line.ready.insert(ticket);
        }
        self.task.wake_by_ref();
    }
}

impl<F: Future> Future for InOrder<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        let (parked, wake) = {
            let mut line = this.scheduler.lock();
            let ticket = this.ticket.load(Ordering::Relaxed);
            line.ready.remove(&ticket);
            let parked = line.ready.first().is_some_and(|&older| older < ticket);
            if parked {
                line.parked.insert(ticket, cx.waker().clone());
            } else {
                line.parked.remove(&ticket);
            }
            (parked, line.schedule_oldest())
        };
        if let Some(waker) = wake {
            waker.wake();
        }
        if parked {
            return Poll::Pending;
        }
        let waker = this.waker_for(cx.waker());
        let started = Instant::now();
        let result = this.inner.as_mut().poll(&mut Context::from_waker(&waker));
        this.cpu += started.elapsed();
        if result.is_pending() && this.cpu > PRIORITY_CPU {
            this.requeue_at_back();
        }
        result
    }
}

impl<F> InOrder<F> {
    fn waker_for(&mut self, task: &Waker) -> Waker {
        match &self.waker {
            Some((known, wrapped)) if known.will_wake(task) => wrapped.clone(),
            _ => {
                let wrapped = Waker::from(Arc::new(TicketWaker {
                    scheduler: self.scheduler.clone(),
                    ticket: self.ticket.clone(),
                    task: task.clone(),
                }));
                self.waker = Some((task.clone(), wrapped.clone()));
                wrapped
            }
        }
    }

    /// Gives up the place in line for a new ticket at the back.
    fn requeue_at_back(&mut self) {
        let new = self.scheduler.take_ticket();
        let mut line = self.scheduler.lock();
        let old = self.ticket.swap(new, Ordering::Relaxed);
        if line.ready.remove(&old) {
            line.ready.insert(new);
        }
        self.cpu = Duration::ZERO;
    }
}

impl<F> Drop for InOrder<F> {
    fn drop(&mut self) {
        let wake = {
            let mut line = self.scheduler.lock();
            let ticket = self.ticket.swap(FINISHED, Ordering::Relaxed);
            line.ready.remove(&ticket);
            line.parked.remove(&ticket);
            line.schedule_oldest()
        };
        if let Some(waker) = wake {
            waker.wake();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex as StdMutex;

    /// Returns `Pending` once, waking itself: one more turn on the CPU.
    async fn another_turn() {
        let mut turned = false;
        std::future::poll_fn(|cx| {
            if turned {
                Poll::Ready(())
            } else {
                turned = true;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        })
        .await;
    }

    fn one_thread() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap()
    }

    /// Spawns one task per name, each taking `turns` turns and logging every one.
    fn spawn_all(
        scheduler: &Arc<Scheduler>,
        log: &Arc<StdMutex<Vec<String>>>,
        names: &[&str],
        turns: usize,
    ) -> Vec<tokio::task::JoinHandle<()>> {
        names
            .iter()
            .map(|&name| {
                let name = name.to_string();
                let log = log.clone();
                tokio::spawn(scheduler.run(async move {
                    for turn in 1..=turns {
                        log.lock().unwrap().push(format!("{name}{turn}"));
                        another_turn().await;
                    }
                }))
            })
            .collect()
    }

    #[test]
    fn ready_requests_run_in_arrival_order_instead_of_round_robin() {
        one_thread().block_on(async {
            let scheduler = Arc::new(Scheduler::default());
            let log = Arc::new(StdMutex::new(Vec::new()));
            for task in spawn_all(&scheduler, &log, &["a", "b", "c"], 2) {
                task.await.unwrap();
            }
            assert_eq!(*log.lock().unwrap(), ["a1", "a2", "b1", "b2", "c1", "c2"]);
            assert!(scheduler.lock().ready.is_empty() && scheduler.lock().parked.is_empty());
        });
    }

    #[test]
    fn a_request_that_computes_for_long_goes_to_the_back() {
        one_thread().block_on(async {
            let scheduler = Arc::new(Scheduler::default());
            let log = Arc::new(StdMutex::new(Vec::new()));
            let busy_log = log.clone();
            let busy = tokio::spawn(scheduler.run(async move {
                for turn in 1..=2 {
                    std::thread::sleep(PRIORITY_CPU + Duration::from_millis(5));
                    busy_log.lock().unwrap().push(format!("busy{turn}"));
                    another_turn().await;
                }
            }));
            let quick = spawn_all(&scheduler, &log, &["quick"], 1);
            busy.await.unwrap();
            quick.into_iter().next().unwrap().await.unwrap();
            assert_eq!(*log.lock().unwrap(), ["busy1", "quick1", "busy2"]);
        });
    }

    #[test]
    fn a_dropped_request_lets_the_next_one_run() {
        one_thread().block_on(async {
            let scheduler = Arc::new(Scheduler::default());
            let log = Arc::new(StdMutex::new(Vec::new()));
            let first = tokio::spawn(scheduler.run(async {
                another_turn().await;
                std::future::pending::<()>().await;
            }));
            let mut rest = spawn_all(&scheduler, &log, &["b"], 2);
            tokio::task::yield_now().await;
            first.abort();
            let finished = tokio::time::timeout(Duration::from_secs(5), rest.remove(0)).await;
            assert!(finished.is_ok(), "the request behind a dropped one never ran");
            assert_eq!(*log.lock().unwrap(), ["b1", "b2"]);
        });
    }

    #[test]
    fn a_late_wake_of_a_finished_request_holds_nobody_up() {
        one_thread().block_on(async {
            let scheduler = Arc::new(Scheduler::default());
            let kept: Arc<StdMutex<Option<Waker>>> = Arc::default();
            let keep = kept.clone();
            scheduler
                .run(std::future::poll_fn(move |cx| {
                    *keep.lock().unwrap() = Some(cx.waker().clone());
                    Poll::Ready(())
                }))
                .await;
            kept.lock().unwrap().take().unwrap().wake();
            let log = Arc::new(StdMutex::new(Vec::new()));
            let tasks = spawn_all(&scheduler, &log, &["a", "b"], 2);
            let finished = tokio::time::timeout(Duration::from_secs(5), join_all(tasks)).await;
            assert!(finished.is_ok(), "a stale ticket blocked the line");
            assert_eq!(*log.lock().unwrap(), ["a1", "a2", "b1", "b2"]);
        });
    }

    #[test]
    fn many_requests_on_several_workers_all_finish() {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_time().build().unwrap();
        runtime.block_on(async {
            let scheduler = Arc::new(Scheduler::default());
            let log = Arc::new(StdMutex::new(Vec::new()));
            let names: Vec<String> = (0..300).map(|i| format!("r{i}-")).collect();
            let tasks = spawn_all(&scheduler, &log, &names.iter().map(String::as_str).collect::<Vec<_>>(), 3);
            let finished = tokio::time::timeout(Duration::from_secs(20), join_all(tasks)).await;
            assert!(finished.is_ok(), "requests were left waiting in line");
            assert_eq!(log.lock().unwrap().len(), 900);
            assert!(scheduler.lock().ready.is_empty() && scheduler.lock().parked.is_empty());
        });
    }

    async fn join_all(tasks: Vec<tokio::task::JoinHandle<()>>) {
        for task in tasks {
            task.await.unwrap();
        }
    }
}
