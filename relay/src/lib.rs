//! Migran Emas relay: stores and forwards a team's sealed bundles (docs/relay.md). It
//! holds no key and never sees a plaintext value: a bundle is opaque bytes to it.

pub mod auth;
pub mod dashboard;
pub mod district;
pub mod error;
pub mod server;
pub mod store;

use std::path::PathBuf;
use std::sync::Arc;

pub use server::{router, Limits};
pub use store::{SharedStore, Store, StoreError};

/// Where the relay keeps its data.
#[derive(Debug, Clone)]
pub enum Engine {
    /// `relay.db` in this folder.
    Sqlite(PathBuf),
    /// A PostgreSQL URL and the pool's size.
    Postgres { url: String, pool_size: usize },
}

/// Opens the engine (making and migrating its schema if needed).
pub async fn open_store(engine: &Engine) -> Result<SharedStore, StoreError> {
    Ok(match engine {
        Engine::Sqlite(dir) => Arc::new(store::sqlite::SqliteStore::open(dir)?),
        Engine::Postgres { url, pool_size } => {
            Arc::new(store::postgres::PostgresStore::connect(url, *pool_size).await?)
        }
    })
}
