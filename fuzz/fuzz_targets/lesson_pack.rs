//! A lesson pack's body, past the signature (which fuzzing cannot forge): its own parser
//! and checks, apart from the directory pack's.
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    let _ = migran_core::check_unsigned_lesson_pack(bytes);
});
