//! The `nlkit` command-line tool as a library: the binary (`main.rs`)
//! parses the command line with [`cli`] and hands off to these modules;
//! [`fuzzing`] lets the fuzz targets reach the word parsers.
//!
//! Layers: [`cli`] (clap's definitions), [`grammar`] (the command model of
//! the `ip`-style objects: help, refusals, completions, man pages), [`ip`]
//! (the rtnetlink objects and `-batch`), the other channels ([`genl`],
//! [`uevent`], [`netdev`], [`raw`], [`dev`], [`kernel`], [`demo`]), and
//! [`report`] (errors in `ip`'s words and statuses).

#![deny(unsafe_code)]

pub mod audit;
pub mod audit_change;
pub mod audit_daemon;
pub mod cli;
pub mod connector;
pub mod conntrack;
pub mod demo;
pub mod dev;
pub mod ethtool;
pub mod fib_lookup;
pub mod fuzzing;
pub mod genl;
pub mod grammar;
pub mod handshake;
pub mod input;
pub mod ip;
pub mod kernel;
pub mod mptcp;
pub mod names;
pub mod netdev;
pub mod out;
pub mod raw;
pub mod report;
pub mod selinux;
pub mod spec;
pub mod ss;
pub mod taskstats;
pub mod tcp_metrics;
pub mod uevent;
pub mod wg;
pub mod words;
pub mod xfrm;
