//! Async timers on the WASI monotonic clock for spin-sdk's executor: spin-sdk's `send` has no
//! timeout, and a blocking sleep would stall the other futures of the same instance (the two
//! learn extractions run concurrently).

use futures::future::{Either, select};
use spin_executor::CancelOnDropToken;
use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll};
use std::time::Duration;
use wasi::clocks::monotonic_clock;

/// A future ready once the monotonic clock passes its deadline.
pub struct Sleep {
    deadline: monotonic_clock::Instant,
    registration: Option<CancelOnDropToken>,
}

/// Resolves after `duration`.
pub fn sleep(duration: Duration) -> Sleep {
    let nanos = u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX);
    Sleep { deadline: monotonic_clock::now().saturating_add(nanos), registration: None }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<()> {
        if monotonic_clock::now() >= self.deadline {
            return Poll::Ready(());
        }
        let pollable = monotonic_clock::subscribe_instant(self.deadline);
        let token = spin_executor::push_waker_and_get_token(pollable, context.waker().clone());
        self.registration = Some(token.into());
        Poll::Pending
    }
}

/// The deadline passed before the work finished (the work is dropped, which cancels it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimedOut;

/// Runs `work` for at most `limit`.
pub async fn within<F: Future>(limit: Duration, work: F) -> Result<F::Output, TimedOut> {
    match select(pin!(work), sleep(limit)).await {
        Either::Left((output, _)) => Ok(output),
        Either::Right(_) => Err(TimedOut),
    }
}
