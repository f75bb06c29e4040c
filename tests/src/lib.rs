//! End-to-end journey tests live in `tests/`; this crate has no code of its own.
