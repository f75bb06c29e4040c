//! A directory pack's body, past the signature (which fuzzing cannot forge).
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    let _ = migran_core::check_unsigned_directory_pack(bytes);
});
