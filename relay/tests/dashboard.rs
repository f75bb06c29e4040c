//! The district roll-up over real HTTP on 127.0.0.1, on both engines (SQLite always,
//! PostgreSQL when MIGRAN_RELAY_PG_URL is set): village submissions, replacement by a
//! newer report, totals equal to the sums, small cells hidden, bad submissions refused,
//! the page's HTML escaped. docs/relay.md#district-roll-up. The page in a real browser
//! is tests/dashboard_browser.rs.

// Test code: helpers outside `#[test]` fail with a panic, as the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod dashboard_support;
mod support;

use dashboard_support::*;
use migran_relay::Limits;
use serde_json::{json, Value};
use support::*;

on_both_engines!(
    villages_add_up_and_a_newer_report_replaces_the_older,
    bad_submissions_are_refused_and_change_nothing,
    unknown_districts_periods_and_markup_in_names,
    concurrent_versions_leave_the_newest_whole,
);

fn totals_json(relay: &TestRelay, district: &str) -> Value {
    let (status, content_type, text) = get(&relay.url(), &format!("/v1/districts/{district}/totals"));
    assert_eq!(status, 200, "{text}");
    assert!(content_type.starts_with("application/json"), "{content_type}");
    serde_json::from_str(&text).unwrap()
}

fn villages_add_up_and_a_newer_report_replaces_the_older(kind: Kind) {
    let root = tempfile::tempdir().unwrap();
    let Some(engine) = engine(kind, root.path()) else {
        return;
    };
    let relay = TestRelay::start(&engine, Limits::default());
    let district = new_district();
    let villages = villages();
    let teams: Vec<RelayClient> = ["satu", "dua", "tiga"]
        .iter()
        .map(|name| village_team(&relay.url(), name))
        .collect();

    // The first village's earlier report, then everyone's.
    let answer = submit(&teams[0], earlier_first_village().body(&district));
    assert_eq!(
        (answer.status, &answer.json["replaced"]),
        (201, &json!(false)),
        "{:?}",
        answer.json
    );
    let first_sums = totals_json(&relay, &district);
    assert_eq!(first_sums["people_counted"]["count"], 80, "{first_sums}");
    for (team, village) in teams.iter().zip(&villages) {
        let answer = submit(team, village.body(&district));
        assert!(matches!(answer.status, 200 | 201), "{:?}", answer.json);
    }
    // The newer report replaced the earlier one: its old counts are nowhere.
    let totals = totals_json(&relay, &district);
    let sums = sums(&villages);
    assert_eq!(totals["period_from"], FROM);
    assert_eq!(totals["period_to"], TO);
    assert_eq!(totals["villages"].as_array().unwrap().len(), 3, "{totals}");
    for (table, keys) in &sums {
        for (key, sum) in keys {
            let cell = json_cell(&totals, table, key);
            let display = cell["display"].as_str().unwrap();
            if (1..=4).contains(sum) {
                assert_eq!(display, "<5", "{table}/{key} = {sum}");
                assert!(cell["count"].is_null(), "{table}/{key}: {cell}");
            } else if let Some(count) = cell["count"].as_u64() {
                // Every shown count is the sum of the villages' counts.
                assert_eq!(count, *sum, "{table}/{key}");
                assert_eq!(display, sum.to_string());
            } else {
                assert_eq!(display, "≥5", "{table}/{key} = {sum}");
            }
        }
    }
    for (table, key, display) in expected_display() {
        assert_eq!(
            json_cell(&totals, table, key)["display"],
            display,
            "{table}/{key}"
        );
    }
    // Nowhere in the published totals is a count of 1 to 4.
    let text = totals.to_string();
    for small in 1..=4 {
        assert!(
            !text.contains(&format!("\"count\":{small},")),
            "{small} in {text}"
        );
        assert!(
            !text.contains(&format!("\"count\":{small}}}")),
            "{small} in {text}"
        );
    }
    // Report dates: each village's kept report.
    let dates: Vec<(String, String)> = totals["villages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|village| {
            (
                village["village_code"].as_str().unwrap().to_owned(),
                village["report_date"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for village in &villages {
        assert!(
            dates.contains(&(
                village.full_code(&district),
                village.generated_at[..10].to_owned()
            )),
            "{dates:?}"
        );
    }

    // The earlier report again (a late retry): refused, the newer one stays.
    submit(&teams[0], earlier_first_village().body(&district)).assert_refused(409, "older_report");
    // The same report again: kept as it is.
    let again = submit(&teams[0], villages[0].body(&district));
    assert_eq!(
        (again.status, &again.json["replaced"]),
        (200, &json!(true)),
        "{:?}",
        again.json
    );
    assert_eq!(totals_json(&relay, &district), totals);

    // Another period is its own set of totals; the latest period is the default.
    let mut next = villages[1].clone();
    next.generated_at = "2026-07-01T08:00:00.000Z".to_owned();
    let mut report = next.report();
    report.period_from = Some("2026-04-01".into());
    report.period_to = Some("2026-06-30".into());
    let body = migran_core::district_submission_json(&report, &district, &next.full_code(&district)).unwrap();
    let answer = submit(&teams[1], body.into_bytes());
    assert_eq!(answer.status, 201, "{:?}", answer.json);
    let latest = totals_json(&relay, &district);
    assert_eq!(latest["period_from"], "2026-04-01");
    // One village alone (5 + 0 + 7 + 3 = 15): its 3 cannot be protected while 15 is
    // known, so the people's tables and their total are hidden by size.
    assert_eq!(latest["people_counted"]["display"], "≥5", "{latest}");
    assert_eq!(json_cell(&latest, "by_phase", "returned")["display"], "<5");
    assert_eq!(latest["villages"].as_array().unwrap().len(), 1);
    assert_eq!(latest["periods"].as_array().unwrap().len(), 2);
    let (status, _, text) = get(
        &relay.url(),
        &format!("/v1/districts/{district}/totals?from={FROM}&to={TO}"),
    );
    assert_eq!(status, 200);
    let chosen: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(chosen["people_counted"], totals["people_counted"]);
    assert_eq!(chosen["by_destination"], totals["by_destination"]);
}

fn bad_submissions_are_refused_and_change_nothing(kind: Kind) {
    let root = tempfile::tempdir().unwrap();
    let Some(engine) = engine(kind, root.path()) else {
        return;
    };
    let relay = TestRelay::start(&engine, Limits::default());
    let district = new_district();
    let villages = villages();
    let satu = village_team(&relay.url(), "satu");
    let dua = village_team(&relay.url(), "dua");
    let answer = submit(&satu, villages[0].body(&district));
    assert_eq!(answer.status, 201, "{:?}", answer.json);
    let before = totals_json(&relay, &district);

    let good: Value = serde_json::from_slice(&villages[1].body(&district)).unwrap();
    let changed = |change: &dyn Fn(&mut Value)| {
        let mut body = good.clone();
        change(&mut body);
        serde_json::to_vec(&body).unwrap()
    };
    let bad_bodies: Vec<(&str, Vec<u8>)> = vec![
        ("garbage", b"{not json".to_vec()),
        ("empty", Vec::new()),
        ("truncated", villages[1].body(&district)[..40].to_vec()),
        ("negative", changed(&|b| b["by_phase"]["abroad"] = json!(-7))),
        ("huge", changed(&|b| b["cases_in_period"] = json!(100_001))),
        ("u64 overflow", changed(&|b| b["people_counted"] = json!(1e30))),
        (
            "fraction",
            changed(&|b| b["by_phase"]["prospective"] = json!(2.5)),
        ),
        ("text count", changed(&|b| b["people_counted"] = json!("15"))),
        (
            "unknown field",
            changed(&|b| b["nik"] = json!("3201000000000001")),
        ),
        (
            "missing field",
            changed(&|b| {
                b.as_object_mut()
                    .unwrap()
                    .remove("by_sector")
                    .map(|_| ())
                    .unwrap()
            }),
        ),
        ("sums disagree", changed(&|b| b["people_counted"] = json!(16))),
        (
            "destinations disagree",
            changed(&|b| b["by_destination"]["MY"] = json!(6)),
        ),
        (
            "unknown phase",
            changed(&|b| b["by_phase"]["elsewhere"] = json!(0)),
        ),
        (
            "bad country",
            changed(&|b| b["by_destination"]["Malaysia"] = json!(0)),
        ),
        ("bad date", changed(&|b| b["period_to"] = json!("2026-02-30"))),
        (
            "reversed period",
            changed(&|b| b["period_from"] = json!("2026-06-01")),
        ),
        (
            "bad instant",
            changed(&|b| b["generated_at"] = json!("yesterday")),
        ),
        (
            "made in the future",
            changed(&|b| b["generated_at"] = json!("2099-01-01T00:00:00.000Z")),
        ),
        ("bad district", changed(&|b| b["district"] = json!("99/01"))),
        ("empty name", changed(&|b| b["village_name"] = json!("  "))),
        ("wrong format", changed(&|b| b["format"] = json!(2))),
    ];
    for (what, body) in bad_bodies {
        let answer = submit(&dua, body);
        assert_eq!(answer.code(), "bad_request", "{what}: {:?}", answer.json);
        answer.assert_refused(400, "bad_request");
    }
    // An oversized body.
    let mut big = good.clone();
    big["village_name"] = json!("x".repeat(70 * 1024));
    submit(&dua, serde_json::to_vec(&big).unwrap()).assert_refused(413, "too_large");
    // Unknown team, unsigned, signed by a key that is not the device's.
    let stranger = RelayClient::new(&relay.url(), &random_text(8), "hp-asing");
    submit(&stranger, villages[1].body(&district)).assert_refused(404, "unknown_team");
    dua.send_with(
        "POST",
        &format!("/v1/teams/{}/district-reports", dua.team_id),
        villages[1].body(&district),
        &[],
    )
    .assert_refused(401, "missing_auth");
    let other_key = new_key();
    let mut signing = dua.signing();
    signing.key = &other_key;
    dua.send_signed(
        "POST",
        &format!("/v1/teams/{}/district-reports", dua.team_id),
        villages[1].body(&district),
        signing,
    )
    .assert_refused(401, "bad_signature");
    // A village reported by another team, and a team reporting for another village.
    submit(&dua, villages[0].body(&district)).assert_refused(409, "village_taken");
    submit(&satu, villages[1].body(&district)).assert_refused(409, "wrong_village");
    let elsewhere = new_district();
    submit(&satu, villages[0].body(&elsewhere)).assert_refused(409, "wrong_village");
    // None of it changed anything; a team refused for a taken village is still free
    // to report its own.
    assert_eq!(totals_json(&relay, &district), before);
    let (status, _, _) = get(&relay.url(), &format!("/v1/districts/{elsewhere}/totals"));
    assert_eq!(status, 404);
    let answer = submit(&dua, villages[1].body(&district));
    assert_eq!(answer.status, 201, "{:?}", answer.json);
    assert_eq!(
        totals_json(&relay, &district)["villages"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

fn unknown_districts_periods_and_markup_in_names(kind: Kind) {
    let root = tempfile::tempdir().unwrap();
    let Some(engine) = engine(kind, root.path()) else {
        return;
    };
    let relay = TestRelay::start(&engine, Limits::default());
    let district = new_district();
    let base = relay.url();

    let refused = |path: &str, status: u16, code: &str| {
        let (got, content_type, text) = get(&base, path);
        assert_eq!(got, status, "{path}: {text}");
        if path.starts_with("/v1/") {
            let json: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(json["code"], code, "{path}");
            assert!(json["message_id"].as_str().unwrap().len() > 10);
        } else {
            assert!(content_type.starts_with("text/html"), "{content_type}");
            assert!(text.contains(&format!("<title>{code}</title>")), "{text}");
        }
    };
    refused(
        &format!("/v1/districts/{district}/totals"),
        404,
        "unknown_district",
    );
    refused(&format!("/districts/{district}"), 404, "unknown_district");
    refused("/v1/districts/99%2F01/totals", 404, "unknown_district");

    let mut village = villages()[2].clone();
    village.name = "Desa <script>alert(1)</script> & \"Contoh\"";
    let team = village_team(&base, "tiga");
    let answer = submit(&team, village.body(&district));
    assert_eq!(answer.status, 201, "{:?}", answer.json);

    refused(
        &format!("/v1/districts/{district}/totals?from=2025-01-01&to=2025-03-31"),
        404,
        "unknown_period",
    );
    refused(
        &format!("/v1/districts/{district}/totals?from=2026-01-01"),
        400,
        "bad_request",
    );
    refused(
        &format!("/districts/{district}?from=2026-01-01&to=<b>"),
        400,
        "bad_request",
    );

    let (status, content_type, page) = get(&base, &format!("/districts/{district}"));
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<html lang=\"id\">"));
    assert!(
        !page.contains("<script"),
        "no script, and no name turned into one"
    );
    assert!(
        page.contains("Desa &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Contoh&quot;"),
        "{page}"
    );
    assert!(page.contains("Menurut tahap"));
    let (_, _, english) = get(&base, &format!("/districts/{district}?lang=en"));
    assert!(english.contains("<html lang=\"en\">") && english.contains("By phase"));
}

fn concurrent_versions_leave_the_newest_whole(kind: Kind) {
    let root = tempfile::tempdir().unwrap();
    let Some(engine) = engine(kind, root.path()) else {
        return;
    };
    let relay = TestRelay::start(&engine, Limits::default());
    let district = new_district();
    let team = village_team(&relay.url(), "satu");
    // Twelve versions of one village's report, version n made at minute n with n * 10
    // people abroad, sent at once from twelve threads in no particular order.
    let bodies: Vec<Vec<u8>> = (0..12u32)
        .map(|n| {
            let mut village = villages()[0].clone();
            village.generated_at = format!("2026-04-02T08:{n:02}:00.000Z");
            village.phases = [0, 0, (n + 1) * 10, 0];
            village.destinations = vec![("MY", (n + 1) * 10)];
            village.sectors = vec![("fishing", (n + 1) * 10)];
            village.body(&district)
        })
        .collect();
    let all_at_once = |bodies: &[Vec<u8>]| -> Vec<(u16, String)> {
        std::thread::scope(|scope| {
            let handles: Vec<_> = bodies
                .iter()
                .rev()
                .map(|body| {
                    let team = &team;
                    scope.spawn(move || {
                        let answer = submit(team, body.clone());
                        (answer.status, answer.code().to_owned())
                    })
                })
                .collect();
            handles.into_iter().map(|handle| handle.join().unwrap()).collect()
        })
    };
    let answers = all_at_once(&bodies);
    for (status, code) in &answers {
        assert!(
            matches!((status, code.as_str()), (200 | 201, "") | (409, "older_report")),
            "{answers:?}"
        );
    }
    // The eleven older versions again, at once, now that the newest is surely kept:
    // every one refused.
    let answers = all_at_once(&bodies[..11]);
    assert!(
        answers
            .iter()
            .all(|(status, code)| (*status, code.as_str()) == (409, "older_report")),
        "{answers:?}"
    );
    // Whatever the order, the newest is kept, and whole: its phase, destination and
    // sector all say 120.
    let totals = totals_json(&relay, &district);
    assert_eq!(totals["people_counted"]["count"], 120, "{totals}");
    assert_eq!(json_cell(&totals, "by_phase", "abroad")["count"], 120);
    assert_eq!(json_cell(&totals, "by_destination", "MY")["count"], 120);
    assert_eq!(json_cell(&totals, "by_sector", "fishing")["count"], 120);
    assert_eq!(totals["villages"][0]["report_date"], "2026-04-02");
    assert_eq!(totals["villages"].as_array().unwrap().len(), 1);
}
