//! End-to-end tests: the built `minehaz` binary on the sample surveys, on real public files
//! (../shared/data/real) and on bad inputs, each in a temporary folder.

mod audit;
mod bad_input;
mod check;
mod cli;
mod common;
mod hardening;
mod ledger;
mod plan;
mod real_data;
mod render;
mod report;
mod rollup;
mod samples;
mod slope;
mod view;
mod watch;
