//! The vault against plain SQLite doing the same work, in the same run.
//!
//! Run: `cargo bench -p migran-core --bench vault`. Figures and ratios go into
//! docs/performance.md.
//!
//! The baseline is the same SQLite library without a key (so without page encryption),
//! with the same connection settings (WAL, synchronous=FULL, secure_delete, cache) and
//! the very same tables and indexes (`migran_core::testing::records_schema`). For every
//! person the baseline writes what the vault writes: the person row, the registration
//! consent row, two audit entries, and the change feed's work for the person, the consent
//! and both audit entries (the device's sequence number, the version lookup, the version
//! row: the vault versions audit entries too, since the audit log travels with a team). Setup
//! (creating the vault or the database, the KDF) is outside the timed regions. What the
//! vault does on top, and so inside its figures: input validation and normalization,
//! random row ids, building the returned records,
//! the audit entries of reads (each read makes one, kept in memory and stored as a block
//! with the next write, at lock, or per 1,000: the read benches' vault side writes them,
//! the baseline writes nothing when it reads), and the encryption.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use migran_core::{Lookup, PageRequest, Person, PersonInput, Sex, SystemClock, Vault, VaultSettings};
use rusqlite::{params, Connection, OptionalExtension};

const PIN: &str = "246810";
const REGISTER: u32 = 10_000;
const LARGE_REGISTER: u32 = 100_000;

fn person(n: u32) -> PersonInput {
    PersonInput {
        full_name: format!("Warga Contoh {n:06}"),
        nik: format!("32010000{n:08}"),
        birth_date: "1998-04-12".to_string(),
        sex: if n.is_multiple_of(2) {
            Sex::Female
        } else {
            Sex::Male
        },
        phone: Some(format!("+62812{n:08}")),
        address: Some(format!("Dusun Contoh RT {:03} RW {:02}", n % 50, n % 7)),
        village: "Desa Contoh".to_string(),
    }
}

fn new_vault(dir: &Path) -> Arc<Vault> {
    let settings = VaultSettings {
        kdf_iterations: migran_core::MIN_KDF_ITERATIONS,
        ..VaultSettings::default()
    };
    Vault::create_with_clock(dir, PIN, Some(vec![7; 32]), settings, Arc::new(SystemClock)).unwrap()
}

fn vault_with(dir: &Path, n: u32) -> Arc<Vault> {
    let vault = new_vault(dir);
    vault.import_persons((0..n).map(person).collect()).unwrap();
    vault
}

fn new_plain(dir: &Path) -> Connection {
    let conn = Connection::open(dir.join("plain.db")).unwrap();
    migran_core::configure_connection(&conn).unwrap();
    for sql in migran_core::testing::records_schema() {
        conn.execute_batch(sql).unwrap();
    }
    conn
}

fn plain_with(dir: &Path, n: u32) -> Connection {
    let conn = new_plain(dir);
    plain_import(&conn, 0, n);
    conn
}

/// The same register of `size` persons in the baseline and in a vault; the folders live
/// as long as the returned guards.
fn registers(size: u32) -> (Connection, Arc<Vault>, [tempfile::TempDir; 2]) {
    let plain_dir = tempfile::tempdir().unwrap();
    let vault_dir = tempfile::tempdir().unwrap();
    let plain = plain_with(plain_dir.path(), size);
    let vault = vault_with(vault_dir.path(), size);
    (plain, vault, [plain_dir, vault_dir])
}

/// What the vault writes for one registered person: the person, the registration
/// consent, and the audit entries of both.
fn plain_register(tx: &Connection, i: u32, now: &str) {
    let p = person(i);
    let id = format!("{i:032x}");
    let sex = if p.sex == Sex::Female { "female" } else { "male" };
    tx.prepare_cached(
        "INSERT INTO persons (id, full_name, nik, birth_date, sex, phone, address, village, archived,
             created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9, ?9)",
    )
    .unwrap()
    .execute(params![
        id,
        p.full_name,
        p.nik,
        p.birth_date,
        sex,
        p.phone,
        p.address,
        p.village,
        now
    ])
    .unwrap();
    let consent_id = format!("c{i:031x}");
    tx.prepare_cached(
        "INSERT INTO consents (id, person_id, purpose, given, date, note, recorded_by_name,
             recorded_by_role, recorded_at) VALUES (?1, ?2, 'registration', 1, ?3, NULL, NULL, NULL, ?4)",
    )
    .unwrap()
    .execute(params![consent_id, id, &now[..10], now])
    .unwrap();
    let (audit_consent, audit_person) = (format!("a{i:031x}"), format!("b{i:031x}"));
    let mut audit = tx
        .prepare_cached(
            "INSERT INTO audit_log (id, at, actor_name, actor_role, action, kind, record_id, person_id,
                 count, subject_erased) VALUES (?1, ?2, NULL, NULL, 'create', ?3, ?4, ?5, NULL, 0)",
        )
        .unwrap();
    audit
        .execute(params![audit_consent, now, "consent", consent_id, id])
        .unwrap();
    audit
        .execute(params![audit_person, now, "person", id, id])
        .unwrap();
    for (table, key) in [
        ("persons", &id),
        ("consents", &consent_id),
        ("audit_log", &audit_consent),
        ("audit_log", &audit_person),
    ] {
        plain_version(tx, table, key);
    }
}

/// What the vault's change feed does for every record written, team or not
/// (docs/sync.md): the device's next sequence number and clock, the record's version
/// held so far (none for a new record), and the new version row.
fn plain_version(tx: &Connection, table: &str, key: &str) {
    let (device, seq, hlc): (String, i64, i64) = tx
        .prepare_cached(
            "UPDATE sync_device SET last_seq = last_seq + 1, last_hlc = max(last_hlc + 1, ?1)
             WHERE id = 1 RETURNING device_id, last_seq, last_hlc",
        )
        .unwrap()
        .query_row([chrono::Utc::now().timestamp_millis() << 16], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .unwrap();
    let held: Option<String> = tx
        .prepare_cached("SELECT lineage FROM sync_versions WHERE tbl = ?1 AND key = ?2")
        .unwrap()
        .query_row(params![table, key], |row| row.get(0))
        .optional()
        .unwrap();
    assert!(held.is_none(), "the baseline only writes new records");
    tx.prepare_cached(
        "INSERT INTO sync_versions (tbl, key, origin, seq, hlc, deleted, lineage)
         VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6)
         ON CONFLICT (tbl, key) DO UPDATE SET origin = excluded.origin, seq = excluded.seq,
             hlc = excluded.hlc, deleted = excluded.deleted, lineage = excluded.lineage",
    )
    .unwrap()
    .execute(params![table, key, device, seq, hlc, format!("{device}:{seq}")])
    .unwrap();
}

fn plain_import(conn: &Connection, from: u32, n: u32) {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let tx = conn.unchecked_transaction().unwrap();
    for i in from..from + n {
        plain_register(&tx, i, &now);
    }
    tx.commit().unwrap();
}

fn plain_person(row: &rusqlite::Row<'_>) -> rusqlite::Result<Person> {
    Ok(Person {
        id: row.get(0)?,
        full_name: row.get(1)?,
        nik: row.get(2)?,
        birth_date: row.get(3)?,
        sex: if row.get::<_, String>(4)? == "female" {
            Sex::Female
        } else {
            Sex::Male
        },
        phone: row.get(5)?,
        address: row.get(6)?,
        village: row.get(7)?,
        archived: row.get(8)?,
        created_at: row.get(9)?,
        updated_at: row.get(10)?,
    })
}

const PLAIN_COLUMNS: &str =
    "SELECT id, full_name, nik, birth_date, sex, phone, address, village, archived, created_at, updated_at FROM persons";

fn plain_read_all(conn: &Connection) -> usize {
    let mut statement = conn
        .prepare_cached(&format!(
            "{PLAIN_COLUMNS} WHERE archived = 0 OR ?1 ORDER BY created_at, rowid LIMIT ?2 OFFSET ?3"
        ))
        .unwrap();
    let mut count = 0;
    let mut offset = 0u32;
    loop {
        let total: u32 = conn
            .prepare_cached("SELECT COUNT(*) FROM persons WHERE archived = 0 OR ?1")
            .unwrap()
            .query_row(params![false], |r| r.get(0))
            .unwrap();
        let rows: Vec<Person> = statement
            .query_map(params![false, 1_000, offset], plain_person)
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        count += rows.len();
        offset += 1_000;
        if offset >= total {
            return count;
        }
    }
}

fn vault_read_all(vault: &Vault) -> usize {
    let mut offset = Some(0);
    let mut count = 0;
    while let Some(start) = offset {
        let page = vault
            .list_persons(
                PageRequest {
                    offset: start,
                    limit: 1_000,
                },
                false,
            )
            .unwrap();
        count += page.items.len();
        offset = page.next_offset;
    }
    count
}

fn plain_find(conn: &Connection, nik: &str) -> Vec<Person> {
    conn.prepare_cached(&format!("{PLAIN_COLUMNS} WHERE nik = ?1"))
        .unwrap()
        .query_map([nik], plain_person)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn import(c: &mut Criterion) {
    let mut group = c.benchmark_group("import_10000_persons");
    group.sample_size(10);
    group.bench_function("plaintext", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let conn = new_plain(dir.path());
                (dir, conn)
            },
            |(dir, conn)| {
                plain_import(&conn, 0, REGISTER);
                (dir, conn)
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("vault", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let vault = new_vault(dir.path());
                let inputs: Vec<PersonInput> = (0..REGISTER).map(person).collect();
                (dir, vault, inputs)
            },
            |(dir, vault, inputs)| {
                vault.import_persons(inputs).unwrap();
                (dir, vault)
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn reads(c: &mut Criterion) {
    let (plain, vault, _dirs) = registers(REGISTER);
    assert_eq!(plain_read_all(&plain), REGISTER as usize);
    assert_eq!(vault_read_all(&vault), REGISTER as usize);

    let mut group = c.benchmark_group("read_all_10000_in_pages_of_1000");
    group.bench_function("plaintext", |b| b.iter(|| plain_read_all(&plain)));
    group.bench_function("vault", |b| b.iter(|| vault_read_all(&vault)));
    group.finish();

    let mut group = c.benchmark_group("durable_insert_into_10000");
    let next = AtomicU32::new(REGISTER);
    group.bench_function("plaintext", |b| {
        b.iter(|| {
            let n = next.fetch_add(1, Ordering::Relaxed);
            plain_import(&plain, n, 1);
        })
    });
    group.bench_function("vault", |b| {
        b.iter(|| {
            let n = next.fetch_add(1, Ordering::Relaxed);
            vault.add_person(person(n)).unwrap();
        })
    });
    group.finish();
}

/// 1,024 NIKs spread over the register in a scrambled order: each timed lookup asks
/// for the next, as a cadre looking people up would, so the page cache does not hold
/// just the one row a repeated lookup would keep hot.
fn spread_niks(size: u32) -> Vec<String> {
    (0..1_024u32)
        .map(|i| person(i.wrapping_mul(2_654_435_761) % size).nik)
        .collect()
}

fn lookups(c: &mut Criterion) {
    let mut group = c.benchmark_group("find_by_nik");
    for size in [REGISTER, LARGE_REGISTER] {
        let (plain, vault, _dirs) = registers(size);
        let niks = spread_niks(size);
        for nik in &niks {
            assert_eq!(plain_find(&plain, nik).len(), 1);
            assert_eq!(
                vault
                    .find_persons(Lookup::Nik { nik: nik.clone() })
                    .unwrap()
                    .len(),
                1
            );
        }
        let next = AtomicU32::new(0);
        group.bench_with_input(BenchmarkId::new("plaintext", size), &niks, |b, niks| {
            b.iter(|| {
                plain_find(
                    &plain,
                    &niks[next.fetch_add(1, Ordering::Relaxed) as usize % niks.len()],
                )
            })
        });
        group.bench_with_input(BenchmarkId::new("vault", size), &niks, |b, niks| {
            b.iter(|| {
                let nik = niks[next.fetch_add(1, Ordering::Relaxed) as usize % niks.len()].clone();
                vault.find_persons(Lookup::Nik { nik }).unwrap()
            })
        });
    }
    group.finish();
}

/// Not timed: the size of each database after 10,000 registrations, checkpointed.
fn file_sizes(_c: &mut Criterion) {
    let plain_dir = tempfile::tempdir().unwrap();
    let vault_dir = tempfile::tempdir().unwrap();
    let plain = plain_with(plain_dir.path(), REGISTER);
    plain
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    let vault = vault_with(vault_dir.path(), REGISTER);
    vault.lock();
    drop(vault);
    let size = |dir: &Path, file: &str| {
        ["", "-wal"]
            .iter()
            .map(|suffix| {
                std::fs::metadata(dir.join(format!("{file}{suffix}")))
                    .map(|m| m.len())
                    .unwrap_or(0)
            })
            .sum::<u64>()
    };
    let plain_bytes = size(plain_dir.path(), "plain.db");
    let vault_bytes = size(vault_dir.path(), "vault.db");
    println!(
        "file after {REGISTER} persons: plaintext {plain_bytes} B, vault.db {vault_bytes} B, ratio {:.2}",
        vault_bytes as f64 / plain_bytes as f64
    );
}

/// The ratios the targets are judged on. Criterion runs the baseline's samples and then
/// the vault's, seconds apart; on a shared machine the load changes in between and moved
/// a ratio by ±20 % from one run to the next. Here each measure runs as alternating
/// blocks, baseline then vault or vault then baseline, and the median of the blocks'
/// ratios is printed with its quartiles, so drift in load falls on both sides alike.
fn paired_ratios(_c: &mut Criterion) {
    let import_blocks: Vec<f64> = (0..20)
        .map(|block| {
            let plain_dir = tempfile::tempdir().unwrap();
            let vault_dir = tempfile::tempdir().unwrap();
            let plain = new_plain(plain_dir.path());
            let vault = new_vault(vault_dir.path());
            let inputs: Vec<PersonInput> = (0..REGISTER).map(person).collect();
            let mut plain_run = Some(|| plain_import(&plain, 0, REGISTER));
            let mut vault_run = Some(|| {
                vault.import_persons(inputs).unwrap();
            });
            paired_block(block, &mut || plain_run.take().unwrap()(), &mut || {
                vault_run.take().unwrap()()
            })
        })
        .collect();
    report("import 10,000 persons", import_blocks);

    let (plain, vault, _dirs) = registers(REGISTER);
    report(
        "read all 10,000 in pages of 1,000",
        (0..40)
            .map(|block| {
                paired_block(
                    block,
                    &mut || assert_eq!(plain_read_all(&plain), REGISTER as usize),
                    &mut || assert_eq!(vault_read_all(&vault), REGISTER as usize),
                )
            })
            .collect(),
    );
    let next = AtomicU32::new(REGISTER);
    report(
        "one durable insert into 10,000",
        (0..40)
            .map(|block| {
                paired_block(
                    block,
                    &mut || {
                        for _ in 0..10 {
                            plain_import(&plain, next.fetch_add(1, Ordering::Relaxed), 1);
                        }
                    },
                    &mut || {
                        for _ in 0..10 {
                            vault
                                .add_person(person(next.fetch_add(1, Ordering::Relaxed)))
                                .unwrap();
                        }
                    },
                )
            })
            .collect(),
    );
    drop((plain, vault, _dirs));

    for size in [REGISTER, LARGE_REGISTER] {
        let (plain, vault, _dirs) = registers(size);
        let niks = spread_niks(size);
        let mut plain_at = 0;
        let mut vault_at = 0;
        report(
            &format!("find by NIK among {size}"),
            (0..100)
                .map(|block| {
                    paired_block(
                        block,
                        &mut || {
                            for _ in 0..2_000 {
                                plain_at = (plain_at + 1) % niks.len();
                                assert_eq!(plain_find(&plain, &niks[plain_at]).len(), 1);
                            }
                        },
                        &mut || {
                            for _ in 0..2_000 {
                                vault_at = (vault_at + 1) % niks.len();
                                let nik = niks[vault_at].clone();
                                assert_eq!(vault.find_persons(Lookup::Nik { nik }).unwrap().len(), 1);
                            }
                        },
                    )
                })
                .collect(),
        );
    }
}

/// Times one block of each, in an order that alternates with `block`; the vault's time
/// over the baseline's.
fn paired_block(block: usize, plain: &mut dyn FnMut(), vault: &mut dyn FnMut()) -> f64 {
    let time = |run: &mut dyn FnMut()| {
        let start = std::time::Instant::now();
        run();
        start.elapsed().as_secs_f64()
    };
    if block.is_multiple_of(2) {
        let p = time(plain);
        time(vault) / p
    } else {
        let v = time(vault);
        v / time(plain)
    }
}

fn report(measure: &str, mut ratios: Vec<f64>) {
    ratios.sort_by(f64::total_cmp);
    let at = |q: f64| ratios[((ratios.len() - 1) as f64 * q).round() as usize];
    println!(
        "paired ratio, {measure}: median {:.2} (quartiles {:.2} to {:.2}, {} blocks)",
        at(0.5),
        at(0.25),
        at(0.75),
        ratios.len()
    );
}

criterion_group!(benches, import, reads, lookups, file_sizes, paired_ratios);
criterion_main!(benches);
