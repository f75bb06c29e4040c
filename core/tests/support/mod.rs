//! The shared test kit, under the name the integration tests already use.
#![allow(unused_imports)]

pub use migran_testkit::*;
