//! The vault against plain SQLite holding the same rows unencrypted, in the same run.
//!
//! Run: `cargo bench -p migran-core --bench vault`. Figures and ratios go into
//! docs/performance.md. The baseline uses the same connection settings as the vault
//! (WAL, synchronous=FULL, secure_delete), so the ratio shows what sealing, blind indexes
//! and JSON cost, not a difference in durability.

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use migran_core::{Lookup, PageRequest, PersonInput, Sex, SystemClock, Vault, VaultSettings};
use rusqlite::{params, Connection};

const PIN: &str = "246810";
const SIZES: [u32; 2] = [1_000, 10_000];

fn person(n: u32) -> PersonInput {
    PersonInput {
        full_name: format!("Warga Contoh {n:05}"),
        nik: format!("32010000{n:08}"),
        birth_date: "1998-04-12".to_string(),
        sex: if n % 2 == 0 { Sex::Female } else { Sex::Male },
        phone: Some(format!("+62812{n:08}")),
        address: Some(format!("Dusun Contoh RT {:03} RW {:02}", n % 50, n % 7)),
        village: "Desa Contoh".to_string(),
    }
}

fn settings() -> VaultSettings {
    VaultSettings {
        kdf_iterations: migran_core::MIN_KDF_ITERATIONS,
        ..VaultSettings::default()
    }
}

fn vault_with(dir: &std::path::Path, n: u32) -> Arc<Vault> {
    let vault =
        Vault::create_with_clock(dir, PIN, Some(vec![7; 32]), settings(), Arc::new(SystemClock)).unwrap();
    vault.import_persons((0..n).map(person).collect()).unwrap();
    vault
}

/// The same person rows, unencrypted, with ordinary indexes for the same lookups.
fn plain_with(dir: &std::path::Path, n: u32) -> Connection {
    let conn = Connection::open(dir.join("plain.db")).unwrap();
    migran_core::configure_connection(&conn).unwrap();
    conn.execute_batch(
        "CREATE TABLE persons (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
             archived INTEGER NOT NULL DEFAULT 0, full_name TEXT NOT NULL, nik TEXT NOT NULL,
             birth_date TEXT NOT NULL, sex TEXT NOT NULL, phone TEXT, address TEXT, village TEXT NOT NULL);
         CREATE UNIQUE INDEX persons_by_nik ON persons (nik);
         CREATE INDEX persons_by_phone ON persons (phone);
         CREATE INDEX persons_by_creation ON persons (created_at);",
    )
    .unwrap();
    plain_insert(&conn, 0, n);
    conn
}

fn plain_insert(conn: &Connection, from: u32, n: u32) {
    let tx = conn.unchecked_transaction().unwrap();
    {
        let mut insert = tx
            .prepare_cached(
                "INSERT INTO persons (id, created_at, updated_at, full_name, nik, birth_date, sex, phone,
                     address, village) VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )
            .unwrap();
        let now = chrono::Utc::now().to_rfc3339();
        for i in from..from + n {
            let p = person(i);
            insert
                .execute(params![
                    format!("{i:032x}"),
                    now,
                    p.full_name,
                    p.nik,
                    p.birth_date,
                    format!("{:?}", p.sex),
                    p.phone,
                    p.address,
                    p.village
                ])
                .unwrap();
        }
    }
    tx.commit().unwrap();
}

/// A person row as the plaintext baseline reads it.
type PlainRow = (
    String,
    String,
    String,
    bool,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
);

fn plain_read_all(conn: &Connection) -> usize {
    let mut statement = conn
        .prepare_cached(
            "SELECT id, created_at, updated_at, archived, full_name, nik, birth_date, sex, phone, address,
                 village FROM persons WHERE archived = 0 ORDER BY created_at, rowid LIMIT ?1 OFFSET ?2",
        )
        .unwrap();
    let mut count = 0;
    let mut offset = 0;
    loop {
        let rows: Vec<PlainRow> = statement
            .query_map(params![1_000, offset], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                    r.get(10)?,
                ))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        if rows.is_empty() {
            return count;
        }
        count += rows.len();
        offset += 1_000;
    }
}

fn vault_read_all(vault: &Vault) -> usize {
    let mut page = PageRequest {
        offset: 0,
        limit: 1_000,
    };
    let mut count = 0;
    loop {
        let result = vault.list_persons(page, false).unwrap();
        count += result.items.len();
        match result.next_offset {
            Some(next) => page.offset = next,
            None => return count,
        }
    }
}

fn writes(c: &mut Criterion) {
    let mut group = c.benchmark_group("insert_batch");
    group.sample_size(10);
    for n in SIZES {
        group.bench_with_input(BenchmarkId::new("plaintext_sqlite", n), &n, |b, &n| {
            b.iter_batched(
                || tempfile::tempdir().unwrap(),
                |dir| plain_with(dir.path(), n),
                BatchSize::PerIteration,
            )
        });
        group.bench_with_input(BenchmarkId::new("vault", n), &n, |b, &n| {
            b.iter_batched(
                || {
                    let dir = tempfile::tempdir().unwrap();
                    let vault = vault_with(dir.path(), 0);
                    (dir, vault)
                },
                |(dir, vault)| {
                    vault.import_persons((0..n).map(person).collect()).unwrap();
                    (dir, vault)
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();

    // One person at a time, each its own durable transaction, into a vault of 1,000.
    let mut group = c.benchmark_group("insert_one");
    group.sample_size(30);
    let dir = tempfile::tempdir().unwrap();
    let plain = plain_with(dir.path(), 1_000);
    let mut next = 1_000;
    group.bench_function("plaintext_sqlite", |b| {
        b.iter(|| {
            plain_insert(&plain, next, 1);
            next += 1;
        })
    });
    let vault_dir = tempfile::tempdir().unwrap();
    let vault = vault_with(vault_dir.path(), 1_000);
    let mut next = 1_000;
    group.bench_function("vault", |b| {
        b.iter(|| {
            vault.add_person(person(next)).unwrap();
            next += 1;
        })
    });
    group.finish();
}

fn reads(c: &mut Criterion) {
    for n in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let plain = plain_with(dir.path(), n);
        let vault = vault_with(dir.path(), n);

        let mut group = c.benchmark_group("read_all");
        group.sample_size(10);
        group.bench_with_input(BenchmarkId::new("plaintext_sqlite", n), &n, |b, &n| {
            b.iter(|| assert_eq!(plain_read_all(&plain), n as usize))
        });
        group.bench_with_input(BenchmarkId::new("vault", n), &n, |b, &n| {
            b.iter(|| assert_eq!(vault_read_all(&vault), n as usize))
        });
        group.finish();

        let mut group = c.benchmark_group("find_by_nik");
        let wanted = person(n / 2).nik;
        group.bench_with_input(BenchmarkId::new("plaintext_sqlite", n), &n, |b, _| {
            b.iter(|| {
                let found: String = plain
                    .prepare_cached("SELECT full_name FROM persons WHERE nik = ?1")
                    .unwrap()
                    .query_row([&wanted], |row| row.get(0))
                    .unwrap();
                found
            })
        });
        group.bench_with_input(BenchmarkId::new("vault", n), &n, |b, _| {
            b.iter(|| {
                let found = vault.find_persons(Lookup::Nik { nik: wanted.clone() }).unwrap();
                assert_eq!(found.len(), 1);
                found
            })
        });
        group.finish();

        // Unlock = KDF + header bookkeeping; it must not grow with the number of persons.
        let mut group = c.benchmark_group("unlock_min_kdf");
        group.sample_size(20);
        group.bench_with_input(BenchmarkId::new("vault", n), &n, |b, _| {
            b.iter(|| {
                vault.lock();
                vault.unlock(PIN.to_string()).unwrap();
            })
        });
        group.finish();
    }

    let mut group = c.benchmark_group("unlock_min_kdf");
    group.sample_size(20);
    let empty_dir = tempfile::tempdir().unwrap();
    let empty = vault_with(empty_dir.path(), 0);
    group.bench_function(BenchmarkId::new("vault", 0), |b| {
        b.iter(|| {
            empty.lock();
            empty.unlock(PIN.to_string()).unwrap();
        })
    });
    group.bench_function("kdf_only_calibration_probe", |b| {
        // calibrate_kdf_iterations runs one 20,000-iteration KDF: twice the vault's cost here.
        b.iter(|| migran_core::calibrate_kdf_iterations(100).unwrap())
    });
    group.finish();
}

criterion_group!(benches, writes, reads);
criterion_main!(benches);
