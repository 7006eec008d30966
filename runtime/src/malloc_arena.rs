//! One glibc malloc arena for the whole process.
//!
//! glibc gives every thread that allocates an arena of its own. A thread arena grows by exactly
//! what the next allocation needs, with one `mprotect` call per step, and shrinks again when the
//! top is freed, so a burst of requests on a tokio worker spent its time growing and trimming
//! (12,000 `mprotect` calls and their page faults per 1,000 AI requests). The main arena grows by
//! `brk` with glibc's padding instead. The runtime's hot work runs on one worker per core, so
//! sharing the arena's lock costs little; CPU per AI burst fell by about a sixth and RSS after it
//! by 8 % (BENCHMARKS.md).

/// Limits glibc to its main arena; call before any other thread starts.
pub fn use_one() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called while the process has one thread.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}
