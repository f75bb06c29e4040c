//! A team join request as pasted by a cadre (sync enrolment text).
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    let _ = migran_core::join_request_fingerprint(String::from_utf8_lossy(bytes).into_owned());
});
