//! Importers that turn a reviewed corpus published by a trusted body into a responses folder.
//!
//! An importer owns reading one corpus format and writing topic files that the catalog then
//! validates like any moderator's file. It never changes a word of the reviewed text (whitespace
//! only), never writes into a folder half-way (it builds a new folder and renames it into place),
//! and never talks to the network.

pub mod medquad;
pub mod names;
