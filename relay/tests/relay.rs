//! The relay over real HTTP on 127.0.0.1, every test on both engines: SQLite always,
//! PostgreSQL when MIGRAN_RELAY_PG_URL is set (scripts/relay-postgres.sh). docs/relay.md.

// Test code: helpers outside `#[test]` fail with a panic, as the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;

use migran_relay::{Engine, Limits};
use migran_testkit::{fake_person, files_containing};
use support::*;

on_both_engines!(
    three_core_devices_converge_through_the_relay,
    a_late_device_catches_up_in_pages,
    bad_requests_are_refused_each_with_its_code,
    limits_refuse_with_their_code_and_keep_nothing,
    garbage_and_truncated_bodies_never_stop_the_relay,
    a_restarted_relay_loses_and_duplicates_nothing,
    the_relay_stores_no_plaintext_value,
    pages_keep_to_their_byte_limit_and_a_larger_bundle_comes_alone,
);

fn small_limits() -> Limits {
    Limits {
        max_bundle_bytes: 64 * 1024,
        max_team_bytes: 200 * 1024,
        page_max_bundles: 50,
        ..Limits::default()
    }
}

fn three_core_devices_converge_through_the_relay(kind: Kind) {
    let root = tempfile::tempdir().unwrap();
    let Some(engine) = engine(kind, root.path()) else {
        return;
    };
    let relay = TestRelay::start(&engine, Limits::default());
    let mut devices = core_team(root.path(), &relay.url(), 3);

    let siti = devices[0]
        .vault
        .add_person(fake_person("Siti Contoh", 1))
        .unwrap();
    let budi = devices[1]
        .vault
        .add_person(fake_person("Budi Contoh", 2))
        .unwrap();
    let rina = devices[2]
        .vault
        .add_person(fake_person("Rina Contoh", 3))
        .unwrap();
    assert_ne!(devices[0].digest(), devices[1].digest());

    for _round in 0..2 {
        for device in &devices {
            device.push_news();
        }
        for device in devices.iter_mut() {
            device.pull_news(100);
        }
    }
    let digest = devices[0].digest();
    for device in &devices {
        assert_eq!(device.digest(), digest, "device {} differs", device.id);
        for person in [&siti, &budi, &rina] {
            assert_eq!(
                device.vault.get_person(person.id.clone()).unwrap().full_name,
                person.full_name
            );
        }
    }
}

fn a_late_device_catches_up_in_pages(kind: Kind) {
    let root = tempfile::tempdir().unwrap();
    let Some(engine) = engine(kind, root.path()) else {
        return;
    };
    let relay = TestRelay::start(&engine, Limits::default());
    let mut devices = core_team(root.path(), &relay.url(), 3);

    // Devices 0 and 1 work for a while; device 2 is away.
    for n in 0..6u32 {
        for (index, active) in devices.iter_mut().take(2).enumerate() {
            active.pull_news(100);
            active
                .vault
                .add_person(fake_person("Warga Contoh", 10 + n * 2 + index as u32))
                .unwrap();
            active.push_news();
        }
    }
    devices[0].pull_news(100);
    let (imported, pages) = devices[2].pull_news(5);
    assert_eq!(imported, 12);
    assert_eq!(pages, 3, "12 bundles in pages of 5");
    assert_eq!(devices[2].cursor, 12);
    assert_eq!(devices[2].digest(), devices[0].digest());
    assert_eq!(devices[1].digest(), devices[0].digest());
    // Nothing more to fetch: one empty page.
    let (none, pages) = devices[2].pull_news(5);
    assert_eq!((none, pages), (0, 1));
}

/// A second team on the same relay: its first device, registered.
fn opaque_team(relay: &TestRelay) -> RelayClient {
    let client = RelayClient::new(&relay.url(), &random_text(16), &random_text(8));
    let answer = client.register_team();
    assert_eq!(answer.status, 201, "{:?}", answer.json);
    client
}

fn bad_requests_are_refused_each_with_its_code(kind: Kind) {
    let root = tempfile::tempdir().unwrap();
    let Some(engine) = engine(kind, root.path()) else {
        return;
    };
    let relay = TestRelay::start(&engine, small_limits());
    let first = opaque_team(&relay);
    let push_path = format!("/v1/teams/{}/bundles", first.team_id);
    assert_eq!(first.push(b"sealed bundle 1".to_vec()).status, 201);

    // Signed by another key than the enrolled one.
    let stranger = new_key();
    let mut signing = first.signing();
    signing.key = &stranger;
    first
        .send_signed("POST", &push_path, b"forged".to_vec(), signing)
        .assert_refused(401, "bad_signature");

    // Signed for one body, sent with another.
    let headers = migran_relay::auth::sign(
        &first.key,
        &first.device_id,
        "POST",
        &push_path,
        b"what was signed",
        unix_now(),
        &random_text(16),
    );
    first
        .send_with("POST", &push_path, b"what was sent".to_vec(), &headers.pairs())
        .assert_refused(401, "bad_signature");

    // The same signed request twice.
    let headers = migran_relay::auth::sign(
        &first.key,
        &first.device_id,
        "POST",
        &push_path,
        b"sealed bundle 2",
        unix_now(),
        &random_text(16),
    );
    assert_eq!(
        first
            .send_with("POST", &push_path, b"sealed bundle 2".to_vec(), &headers.pairs())
            .status,
        201
    );
    first
        .send_with("POST", &push_path, b"sealed bundle 2".to_vec(), &headers.pairs())
        .assert_refused(401, "replayed_nonce");

    // An hour behind, an hour ahead.
    for shift in [-3600, 3600] {
        let mut signing = first.signing();
        signing.timestamp += shift;
        first
            .send_signed("POST", &push_path, b"late".to_vec(), signing)
            .assert_refused(401, "stale_timestamp");
    }

    // No signature at all.
    first
        .send_with("POST", &push_path, b"unsigned".to_vec(), &[])
        .assert_refused(401, "missing_auth");

    // A team the relay does not know.
    let mut elsewhere = RelayClient::new(&relay.url(), &random_text(16), &first.device_id);
    elsewhere.key = new_key();
    elsewhere
        .push(b"lost".to_vec())
        .assert_refused(404, "unknown_team");

    // A device never enrolled in the team.
    let outsider = RelayClient::new(&relay.url(), &first.team_id, &random_text(8));
    outsider
        .push(b"intruder".to_vec())
        .assert_refused(401, "unknown_device");
    outsider.pull_page(0, 10).assert_refused(401, "unknown_device");

    // A removed device: refused, and its id cannot be enrolled again.
    let second = RelayClient::new(&relay.url(), &first.team_id, &random_text(8));
    assert_eq!(first.enrol(&second).status, 201);
    first.enrol(&second).assert_refused(409, "device_exists");
    assert_eq!(second.push(b"sealed bundle 3".to_vec()).status, 201);
    assert_eq!(first.remove(&second.device_id).status, 200);
    second
        .push(b"after removal".to_vec())
        .assert_refused(403, "removed_device");
    second.pull_page(0, 10).assert_refused(403, "removed_device");
    second.enrol(&outsider).assert_refused(403, "removed_device");
    first.enrol(&second).assert_refused(409, "device_exists");

    // Registering a team that exists.
    let mut usurper = RelayClient::new(&relay.url(), &first.team_id, &random_text(8));
    usurper.key = new_key();
    usurper.register_team().assert_refused(409, "team_exists");

    // Registration signed by another key than the one it registers.
    let mut liar = RelayClient::new(&relay.url(), &random_text(16), &random_text(8));
    let body = serde_json::to_vec(&serde_json::json!({
        "team_id": liar.team_id, "device_id": liar.device_id, "public_key": public_key_b64(&new_key()),
    }))
    .unwrap();
    liar.key = new_key();
    liar.send("POST", "/v1/teams", body)
        .assert_refused(401, "bad_signature");

    // Unknown paths and methods.
    first
        .send("GET", "/v1/nowhere", Vec::new())
        .assert_refused(404, "not_found");
    first
        .send("PUT", &push_path, Vec::new())
        .assert_refused(405, "method_not_allowed");

    // None of the refused pushes is in the log.
    let (bundles, _) = first.pull_all(0, 50);
    let bodies: Vec<&[u8]> = bundles.iter().map(|(_, _, body)| body.as_slice()).collect();
    assert_eq!(
        bodies,
        vec![
            &b"sealed bundle 1"[..],
            &b"sealed bundle 2"[..],
            &b"sealed bundle 3"[..]
        ]
    );
}

fn limits_refuse_with_their_code_and_keep_nothing(kind: Kind) {
    let root = tempfile::tempdir().unwrap();
    let Some(engine) = engine(kind, root.path()) else {
        return;
    };
    let relay = TestRelay::start(&engine, small_limits());

    // Bundle size: the limit itself passes, one byte more does not.
    let team = opaque_team(&relay);
    assert_eq!(team.push(random_bytes(64 * 1024)).status, 201);
    team.push(random_bytes(64 * 1024 + 1))
        .assert_refused(413, "too_large");
    // Storage per team (200 KiB): a third full bundle fits, a fourth does not.
    assert_eq!(team.push(random_bytes(64 * 1024)).status, 201);
    assert_eq!(team.push(random_bytes(64 * 1024)).status, 201);
    team.push(random_bytes(64 * 1024))
        .assert_refused(507, "team_storage_full");
    let (bundles, _) = team.pull_all(0, 50);
    assert_eq!(bundles.len(), 3);
    assert!(bundles.iter().all(|(_, _, body)| body.len() == 64 * 1024));

    // Requests per device per minute.
    let strict = TestRelay::start(
        &engine,
        Limits {
            requests_per_minute: 3,
            ..small_limits()
        },
    );
    let mut busy = RelayClient::new(&strict.url(), &random_text(16), &random_text(8));
    busy.key = new_key();
    assert_eq!(busy.register_team().status, 201); // 1
    assert_eq!(busy.push(b"one".to_vec()).status, 201); // 2
    assert_eq!(busy.pull_page(0, 10).status, 200); // 3
    busy.push(b"four".to_vec()).assert_refused(429, "rate_limited");
    // The refused push left nothing (read through the first relay, same storage).
    let reader = RelayClient {
        base: relay.url(),
        ..busy
    };
    let (bundles, _) = reader.pull_all(0, 10);
    assert_eq!(bundles.len(), 1, "the refused push left nothing");
    drop(strict);
}

/// Writes `request` on a raw connection, closes the writing half, reads what comes back.
fn raw(relay: &TestRelay, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(relay.addr).unwrap();
    // The relay may answer and close before the request is all written (a refused
    // length, bytes that are not HTTP): what it answered is still there to read.
    let _ = stream.write_all(request);
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

fn health(relay: &TestRelay) -> u16 {
    reqwest::blocking::get(format!("{}/v1/health", relay.url()))
        .unwrap()
        .status()
        .as_u16()
}

fn garbage_and_truncated_bodies_never_stop_the_relay(kind: Kind) {
    let root = tempfile::tempdir().unwrap();
    let Some(engine) = engine(kind, root.path()) else {
        return;
    };
    let relay = TestRelay::start(&engine, small_limits());
    let team = opaque_team(&relay);

    // Not JSON, JSON of the wrong shape, a key of the wrong length.
    for body in [
        b"\x00\xff\xfe garbage".to_vec(),
        b"{\"team_id\": 7}".to_vec(),
        b"{\"team_id\":\"t\",\"device_id\":\"d\",\"public_key\":\"AAAA\"}".to_vec(),
        Vec::new(),
    ] {
        team.send("POST", "/v1/teams", body)
            .assert_refused(400, "bad_request");
    }
    team.send(
        "POST",
        &format!("/v1/teams/{}/devices", team.team_id),
        b"[1,2".to_vec(),
    )
    .assert_refused(400, "bad_request");
    team.push(Vec::new()).assert_refused(400, "bad_request");
    team.send(
        "GET",
        &format!("/v1/teams/{}/bundles?after=-3", team.team_id),
        Vec::new(),
    )
    .assert_refused(400, "bad_request");
    team.send(
        "GET",
        &format!("/v1/teams/{}/bundles?after=x", team.team_id),
        Vec::new(),
    )
    .assert_refused(400, "bad_request");

    // An oversized body sent in chunks, with no length announced.
    let chunked = reqwest::blocking::Body::new(std::io::Cursor::new(random_bytes(300 * 1024)));
    let response = team
        .http
        .post(format!("{}/v1/teams/{}/bundles", relay.url(), team.team_id))
        .body(chunked)
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 413);
    // A declared length far past the limit is refused before reading.
    let answer = raw(
        &relay,
        format!(
            "POST /v1/teams/{}/bundles HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\nabc",
            team.team_id
        )
        .as_bytes(),
    );
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("too_large"), "{answer}");

    // A body cut off by a closed connection, then bytes that are not HTTP at all.
    let truncated = raw(
        &relay,
        format!(
            "POST /v1/teams/{}/bundles HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\nonly a little",
            team.team_id
        )
        .as_bytes(),
    );
    assert!(!truncated.starts_with("HTTP/1.1 2"), "{truncated}");
    raw(&relay, &random_bytes(4096));
    raw(
        &relay,
        b"GET /v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    );

    assert_eq!(health(&relay), 200);
    let (bundles, _) = team.pull_all(0, 50);
    assert!(bundles.is_empty(), "nothing refused was kept");
}

fn a_restarted_relay_loses_and_duplicates_nothing(kind: Kind) {
    let root = tempfile::tempdir().unwrap();
    let Some(engine) = engine(kind, root.path()) else {
        return;
    };
    let pushed: Vec<Vec<u8>> = (0..7).map(|_| random_bytes(3000)).collect();

    let relay = TestRelay::start(&engine, small_limits());
    let team = opaque_team(&relay);
    for (index, body) in pushed.iter().take(5).enumerate() {
        let answer = team.push(body.clone());
        assert_eq!(
            (answer.status, answer.json["seq"].as_i64()),
            (201, Some(index as i64 + 1))
        );
    }
    // A push cut off mid-body by the connection dropping, then the relay stops.
    raw(
        &relay,
        format!(
            "POST /v1/teams/{}/bundles HTTP/1.1\r\nHost: x\r\nContent-Length: 3000\r\n\r\nhalf",
            team.team_id
        )
        .as_bytes(),
    );
    drop(relay);

    let relay = TestRelay::start(&engine, small_limits());
    let team = RelayClient {
        base: relay.url(),
        ..team
    };
    // The client never saw the answer to its fifth push and sends it again.
    let again = team.push(pushed[4].clone());
    assert_eq!((again.status, again.json["seq"].as_i64()), (200, Some(5)));
    assert_eq!(again.json["duplicate"].as_bool(), Some(true));
    for body in &pushed[5..] {
        assert_eq!(team.push(body.clone()).status, 201);
    }

    let (bundles, _) = team.pull_all(0, 3);
    let seqs: Vec<i64> = bundles.iter().map(|(seq, _, _)| *seq).collect();
    assert_eq!(seqs, (1..=7).collect::<Vec<i64>>());
    let bodies: Vec<Vec<u8>> = bundles.into_iter().map(|(_, _, body)| body).collect();
    assert_eq!(bodies, pushed, "every acknowledged bundle, once, in order");
}

const MARKERS: [&str; 2] = ["Siti Contoh", "3201000000000001"];

fn the_relay_stores_no_plaintext_value(kind: Kind) {
    let root = tempfile::tempdir().unwrap();
    let Some(engine) = engine(kind, root.path()) else {
        return;
    };
    let relay = TestRelay::start(&engine, Limits::default());
    let mut devices = core_team(root.path(), &relay.url(), 2);
    let siti = devices[0]
        .vault
        .add_person(fake_person("Siti Contoh", 1))
        .unwrap();
    assert_eq!(siti.nik, MARKERS[1]);
    devices[0].push_news();
    devices[1].pull_news(100);
    // The values did travel through the relay...
    assert_eq!(
        devices[1].vault.get_person(siti.id).unwrap().full_name,
        MARKERS[0]
    );
    let team_id = devices[0].relay.team_id.clone();
    drop(relay);

    // ...and the relay kept none of them readable.
    match &engine {
        Engine::Sqlite(dir) => {
            // The scan can find what is there: the team id is stored in clear.
            assert!(!files_containing(dir, &team_id).is_empty());
            for marker in MARKERS {
                assert_eq!(files_containing(dir, marker), Vec::<String>::new(), "{marker}");
            }
        }
        Engine::Postgres { url, .. } => {
            let dump = std::process::Command::new("pg_dump")
                .arg("--dbname")
                .arg(url)
                .output();
            match dump {
                Ok(out) if out.status.success() => {
                    let text = String::from_utf8_lossy(&out.stdout);
                    assert!(text.contains(&team_id));
                    for marker in MARKERS {
                        // pg_dump writes bytea as hex: look for that too.
                        let hex: String = marker.bytes().map(|byte| format!("{byte:02x}")).collect();
                        assert!(!text.contains(marker), "{marker} in pg_dump");
                        assert!(!text.contains(&hex), "{marker} (hex) in pg_dump");
                    }
                }
                other => eprintln!("SKIPPED the pg_dump scan: pg_dump did not run ({other:?})"),
            }
        }
    }
}

fn pages_keep_to_their_byte_limit_and_a_larger_bundle_comes_alone(kind: Kind) {
    let root = tempfile::tempdir().unwrap();
    let Some(engine) = engine(kind, root.path()) else {
        return;
    };
    let relay = TestRelay::start(
        &engine,
        Limits {
            page_max_bytes: 10_000,
            ..small_limits()
        },
    );
    let team = opaque_team(&relay);
    let sizes = [4000, 4000, 4000, 12_000, 4000, 4000, 4000];
    for size in sizes {
        assert_eq!(team.push(random_bytes(size)).status, 201);
    }
    let mut pages = Vec::new();
    let mut cursor = 0;
    loop {
        let answer = team.pull_page(cursor, 50);
        let seqs: Vec<i64> = answer.json["bundles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|bundle| bundle["seq"].as_i64().unwrap())
            .collect();
        cursor = *seqs.last().unwrap_or(&cursor);
        pages.push(seqs);
        if !answer.json["more"].as_bool().unwrap() {
            break;
        }
    }
    // 8,000 bytes fit in 10,000, a third 4,000 would not; 12,000 comes alone.
    assert_eq!(pages, vec![vec![1, 2], vec![3], vec![4], vec![5, 6], vec![7]]);
}
