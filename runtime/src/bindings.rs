//! Host bindings generated from `wit/`: the Spin interfaces this runtime serves and the cron
//! trigger's world it calls into.

use crate::engine::InstanceState;
use anyhow::Result;
use wasmtime::component::{HasSelf, Linker};

/// `fermyon:spin@2.0.0` — sqlite, key-value and variables.
pub mod spin {
    wasmtime::component::bindgen!({
        path: "../wit/spin",
        world: "fermyon:spin/runtime-host",
        imports: { default: async | trappable },
        anyhow: true,
        with: {
            "fermyon:spin/sqlite.connection": crate::sqlite::Connection,
            "fermyon:spin/key-value.store": crate::key_value::Store,
        },
    });
}

/// `fermyon:spin-cron@2.0.0` — the world a cron component exports.
pub mod cron {
    wasmtime::component::bindgen!({
        path: "../wit/cron",
        world: "spin-cron",
        exports: { default: async },
    });
}

/// Adds every Spin interface to the linker. The cron types interface has no functions, but a cron
/// component still imports it, so it is defined (empty) here.
pub fn add_spin_interfaces(linker: &mut Linker<InstanceState>) -> Result<()> {
    spin::RuntimeHost::add_to_linker::<_, HasSelf<InstanceState>>(linker, |state| state)
        .map_err(anyhow::Error::from)?;
    linker
        .instance("fermyon:spin-cron/cron-types@2.0.0")
        .map_err(anyhow::Error::from)?;
    Ok(())
}
