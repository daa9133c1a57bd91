//! Serde models of the RealtimeKit API (generated; placeholder until codegen runs).
