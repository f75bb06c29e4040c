//! The CLI's screening answers file (cli/src/answers_json.rs, compiled here as it is).
#![no_main]

#[path = "../../cli/src/answers_json.rs"]
#[allow(dead_code)]
mod answers_json;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    let _ = answers_json::decode(bytes);
});
