//! A real relay (the SQLite engine) started in the test process on 127.0.0.1, for the CLI
//! tests that run `migran ... --relay` against it (relay_sync.rs, follow_relay.rs,
//! district_submit.rs).
//! Included by those files alone (`#[path = "support/relay.rs"] mod relay;`): the other
//! test binaries that share `support` need not build a relay.

use std::net::SocketAddr;
use std::path::Path;

/// A relay on 127.0.0.1 until dropped.
pub struct Relay {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Relay {
    /// Starts a relay keeping its SQLite database in `data`, on a port the system picks.
    pub fn start(data: &Path) -> Relay {
        let engine = migran_relay::Engine::Sqlite(data.to_path_buf());
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let store = migran_relay::open_store(&engine).await.unwrap();
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                ready_tx.send(listener.local_addr().unwrap()).unwrap();
                axum::serve(
                    listener,
                    migran_relay::router(store, migran_relay::Limits::default()),
                )
                .with_graceful_shutdown(async {
                    let _ = stop_rx.await;
                })
                .await
                .unwrap();
            });
        });
        let addr = ready_rx.recv().unwrap();
        Relay {
            addr,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    /// The address `--relay` takes (plain HTTP: this machine only).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
