//! The lowest CPU priority for the runtime's background threads (the cron trigger, WAL
//! checkpoints), so that on a one-core host they take only the CPU that HTTP requests leave over.
//! Linux keeps a nice value per thread, and threads a background thread spawns inherit it.

/// Nice 19 for the calling thread only; `what` names it in the warning if that is refused.
pub fn lower_current_thread(what: &str) {
    // SAFETY: plain syscalls on the calling thread's own id.
    let result = unsafe {
        let thread_id = libc::gettid() as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, thread_id, 19)
    };
    if result != 0 {
        tracing::warn!(thread = what, "could not lower the thread's priority");
    }
}
