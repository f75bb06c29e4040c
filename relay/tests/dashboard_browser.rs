//! The district dashboard in a real browser: Debian's headless Chromium loads the page
//! from a relay started here (SQLite; the page is the same on both engines), and the
//! numbers it renders must be the submitted reports' sums, with "<5" for every sum of 1
//! to 4. It saves a screenshot (target/dashboard-district.png; the one in
//! docs/img/ is a copy, all its data is the fake data below).
//!
//! Chromium missing fails the test (CI installs it, .ci/run); locally it may be skipped
//! with MIGRAN_SKIP_BROWSER_TEST=1, and only then.

// Test code: helpers outside `#[test]` fail with a panic, as the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod dashboard_support;
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use dashboard_support::*;
use migran_relay::{Engine, Limits};
use support::*;

const SKIP_VAR: &str = "MIGRAN_SKIP_BROWSER_TEST";
const DISTRICT: &str = "99.01";

/// Whether Chromium can be run; panics when it cannot and skipping was not asked for.
fn chromium_present() -> bool {
    let found = Command::new("chromium")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if !found {
        if std::env::var(SKIP_VAR).is_ok_and(|value| value == "1") {
            eprintln!("SKIPPED: chromium is not installed and {SKIP_VAR}=1");
            return false;
        }
        panic!(
            "chromium is not installed: apt-get install -y chromium (or set {SKIP_VAR}=1 to skip locally)"
        );
    }
    true
}

/// Runs headless Chromium with `args` then `url`; its stdout. `timeout` stops a browser
/// that hangs, so the test fails instead of waiting for ever. The browser runs on the
/// real clock: under scripts/test-future-clocks.sh's preloaded libfaketime Chromium
/// hangs at start (seen here), and the page has no clock of its own to test.
fn chromium(profile: &Path, args: &[&str], url: &str) -> String {
    let output = Command::new("timeout")
        .env_remove("LD_PRELOAD")
        .env_remove("FAKETIME")
        .arg("120")
        .arg("chromium")
        .args(["--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .output()
        .expect("chromium ran");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The text between `start` (after it) and the next `end`, from `from`.
fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let at = text.find(start)? + start.len();
    let rest = &text[at..];
    Some(&rest[..rest.find(end)?])
}

/// The number (or "<5", "≥5") the rendered page shows for `key` in table `table`.
fn shown(dom: &str, table: &str, key: &str) -> String {
    if table == "totals" {
        let block = between(dom, &format!("<div id=\"{key}\">"), "</div>")
            .unwrap_or_else(|| panic!("total {key} not rendered"));
        return unescape(between(block, "<strong>", "</strong>").unwrap());
    }
    let block = between(dom, &format!("<table id=\"{table}\">"), "</table>")
        .unwrap_or_else(|| panic!("table {table} not rendered"));
    let row = between(block, &format!("<tr data-key=\"{key}\">"), "</tr>")
        .unwrap_or_else(|| panic!("{table}/{key} not rendered"));
    let cell = between(row, "<td class=\"n", "</td>").unwrap();
    unescape(&cell[cell.find('>').unwrap() + 1..])
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

#[test]
fn the_dashboard_renders_the_sums_in_headless_chromium() {
    if !chromium_present() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let relay = TestRelay::start(&Engine::Sqlite(root.path().join("relay-data")), Limits::default());
    let villages = villages();
    for (village, name) in villages.iter().zip(["satu", "dua", "tiga"]) {
        let team = village_team(&relay.url(), name);
        let answer = submit(&team, village.body(DISTRICT));
        assert_eq!(answer.status, 201, "{:?}", answer.json);
    }
    let page = format!("{}/districts/{DISTRICT}", relay.url());
    let profile = root.path().join("chromium-profile");
    let dom = chromium(&profile, &["--dump-dom"], &page);

    assert!(dom.contains("<html lang=\"id\">"), "{dom}");
    assert!(dom.contains("Menurut tahap"), "Bahasa Indonesia first");
    // Every rendered count is the villages' sum, "<5" for 1 to 4, or hidden ("≥5").
    let sums = sums(&villages);
    let mut checked = 0;
    for (table, keys) in &sums {
        for (key, sum) in keys {
            let rendered = shown(&dom, table, key);
            match sum {
                1..=4 => assert_eq!(rendered, "<5", "{table}/{key} = {sum}"),
                _ if rendered == "≥5" => {}
                _ => assert_eq!(rendered, sum.to_string(), "{table}/{key}"),
            }
            checked += 1;
        }
    }
    assert!(checked > 20, "{checked} cells");
    for (table, key, display) in expected_display() {
        assert_eq!(shown(&dom, table, key), display, "{table}/{key}");
    }
    // The villages with their report dates.
    let listed = between(&dom, "<table id=\"villages\">", "</table>").unwrap();
    for village in &villages {
        assert!(listed.contains(village.name), "{listed}");
        assert!(listed.contains(&village.generated_at[..10]), "{listed}");
    }
    // The bars are drawn by CSS only: one per shown non-zero count, none for hidden ones.
    let destinations = between(&dom, "<table id=\"by_destination\">", "</table>").unwrap();
    assert_eq!(
        destinations.matches("<span style=\"width:").count(),
        1,
        "{destinations}"
    );
    assert!(destinations.contains("<span style=\"width:100%\">"));
    assert!(!dom.contains("<script"));

    let english = chromium(&profile, &["--dump-dom"], &format!("{page}?lang=en"));
    assert!(english.contains("<html lang=\"en\">") && english.contains("By phase"));
    assert_eq!(shown(&english, "by_destination", "SG"), "<5");

    let target = target_dir();
    std::fs::create_dir_all(&target).unwrap();
    let screenshot = target.join("dashboard-district.png");
    let _ = std::fs::remove_file(&screenshot);
    chromium(
        &profile,
        &[
            &format!("--screenshot={}", screenshot.display()),
            "--window-size=1000,1350",
        ],
        &page,
    );
    let png = std::fs::read(&screenshot).expect("the screenshot was saved");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    assert!(png.len() > 10_000, "{} bytes: not a blank page", png.len());
    eprintln!("screenshot: {}", screenshot.display());
}
