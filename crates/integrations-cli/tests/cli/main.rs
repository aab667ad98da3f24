//! End-to-end tests of the `integrations` binary: every command against the fake servers, in
//! demo mode (in the binary's own process) and against fakes this test process runs, with the
//! outputs kept as insta snapshots in `tests/snapshots/`.

#[macro_use]
mod common;
mod demo;
mod doctor;
mod environment;
mod errors;
mod hubs;
mod output;
mod secrets;
mod seeded;
mod state;
