//! The command line: arbitrary words read against the grammar as `migran` reads them
//! (clap, then the values laid out for the commands). Runs nothing. The input is split
//! into words at NUL bytes; its first byte chooses whether they are passed as text
//! (invalid UTF-8 made lossy) or as the raw bytes the OS may give on unix.
#![no_main]

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    let Some((&mode, rest)) = bytes.split_first() else {
        return;
    };
    let words = rest.split(|&b| b == 0).map(|word| {
        if mode & 1 == 0 {
            OsString::from(String::from_utf8_lossy(word).into_owned())
        } else {
            OsString::from_vec(word.to_vec())
        }
    });
    let argv: Vec<OsString> = std::iter::once(OsString::from("migran")).chain(words).collect();
    let _ = migran_cli::parse_command_line(argv);
});
