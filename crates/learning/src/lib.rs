//! Guided learning (DOMAIN §5.5): an admin submits a text or an http(s) URL, a background job
//! fetches the page ([`fetch`], guarded by [`url_guard`], decoded by [`charset`]) and keeps its
//! visible text ([`text`]), or for a YouTube video its English transcript ([`youtube`]), and
//! asks the provider for strategies and mental models ([`extract`]); the admin reviews and
//! approves the result into the knowledge base, where an admin can later correct an item
//! ([`edit`]). [`jobs`] is the SQLite queue between the `learn` HTTP component and the
//! cron-triggered `jobs` component.

pub mod charset;
pub mod edit;
pub mod extract;
pub mod fetch;
pub mod jobs;
pub mod text;
pub mod url_guard;
pub mod youtube;
