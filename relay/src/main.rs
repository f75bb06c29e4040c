//! `migran-relay --data DIR` (SQLite) or `migran-relay --database postgres://...`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use migran_relay::{open_store, router, Engine, Limits};

/// Migran Emas relay: stores and forwards a team's sealed bundles. It never holds a key.
#[derive(Parser)]
#[command(name = "migran-relay", version)]
struct Args {
    /// Folder for the embedded SQLite engine (made if missing).
    #[arg(long, conflicts_with = "database", required_unless_present = "database")]
    data: Option<PathBuf>,
    /// PostgreSQL URL, e.g. postgres://relay@127.0.0.1:5432/relay
    #[arg(long)]
    database: Option<String>,
    /// Address to listen on; put a TLS proxy in front for anything beyond loopback.
    #[arg(long, default_value = "127.0.0.1:8780")]
    listen: SocketAddr,
    /// PostgreSQL connections in the pool.
    #[arg(long, default_value_t = 16)]
    pool_size: usize,
    /// Largest bundle, MiB.
    #[arg(long, default_value_t = 32)]
    max_bundle_mib: usize,
    /// Storage per team, MiB.
    #[arg(long, default_value_t = 2048)]
    max_team_mib: i64,
    /// Signed requests per device per minute.
    #[arg(long, default_value_t = 600)]
    requests_per_minute: u32,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let engine = match (args.data, args.database) {
        (_, Some(url)) => Engine::Postgres {
            url,
            pool_size: args.pool_size,
        },
        (Some(dir), None) => Engine::Sqlite(dir),
        (None, None) => {
            eprintln!("migran-relay: --data DIR atau --database URL diperlukan / --data DIR or --database URL is required");
            return ExitCode::from(2);
        }
    };
    let store = match open_store(&engine).await {
        Ok(store) => store,
        Err(err) => {
            eprintln!("migran-relay: penyimpanan tidak dapat dibuka / storage could not be opened: {err}");
            return ExitCode::from(1);
        }
    };
    let limits = Limits {
        max_bundle_bytes: args.max_bundle_mib.saturating_mul(1024 * 1024),
        max_team_bytes: args.max_team_mib.saturating_mul(1024 * 1024),
        requests_per_minute: args.requests_per_minute,
        ..Limits::default()
    };
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!(
                "migran-relay: tidak dapat mendengarkan / cannot listen on {}: {err}",
                args.listen
            );
            return ExitCode::from(1);
        }
    };
    // The bound address, not the requested one: with port 0 the kernel picks the port,
    // and a script or test that started the relay reads it from this line.
    let bound = listener.local_addr().unwrap_or(args.listen);
    eprintln!("migran-relay: listening on http://{bound}");
    // Ctrl-C, or SIGTERM from systemd or a container runtime: finish the requests in
    // flight (a push either commits or is not there), then stop.
    let shutdown = async {
        #[cfg(unix)]
        {
            let terminate = async {
                match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                    Ok(mut signal) => {
                        signal.recv().await;
                    }
                    Err(_) => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    };
    match axum::serve(listener, router(store, limits))
        .with_graceful_shutdown(shutdown)
        .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("migran-relay: {err}");
            ExitCode::from(1)
        }
    }
}
