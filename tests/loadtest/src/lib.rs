//! The capacity plan's load test as a library: the virtual user's scenario, per-request samples,
//! and the verdict against the plan's success criteria. Two programs use it: `loadtest` (one run)
//! and `capacity` (increasing user counts, writing CAPACITY.md).

pub mod samples;
pub mod scenario;
pub mod verdict;
