//! What the mentor endpoints know (DOMAIN §5.3, §5.4, §6.2): the four [`persona`]s, a deal's
//! figures for one user ([`deal`]), the approved [`knowledge`] base, the [`prompt`]s built from
//! them, the rule-based [`offline`] advisor used when no provider answers, and the chat
//! [`history`] kept per user.

pub mod deal;
pub mod history;
pub mod knowledge;
pub mod offline;
pub mod persona;
pub mod prompt;
