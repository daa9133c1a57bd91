//! What a run gathered and how it is written: the headline table, and the measured part of
//! BENCHMARKS.md spliced between its markers (the rest of the file is kept).

use std::fmt::Write as _;
use std::time::SystemTime;

use super::Options;
use super::machine::{Machine, QUIET};
use super::tools::PROGENITOR_VERSION;

/// Where the measured part of BENCHMARKS.md starts and ends; the rest of the file is kept.
const BEGIN: &str = "<!-- bench:begin (written by `cargo xtask bench`; edit outside these markers) -->";
const END: &str = "<!-- bench:end -->";

/// Whether a row's target was reached.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Status {
    Met,
    Missed,
    Info,
}

/// One line of the table.
pub(super) struct Row {
    pub(super) benchmark: String,
    pub(super) ours: String,
    pub(super) peer: String,
    pub(super) ratio: String,
    pub(super) target: String,
    pub(super) status: Status,
}

/// Everything a run gathered: the table, details for BENCHMARKS.md, and the conditions.
#[derive(Default)]
pub(super) struct Results {
    pub(super) rows: Vec<Row>,
    pub(super) details: String,
    pub(super) conditions: Vec<String>,
}

impl Results {
    pub(super) fn row(
        &mut self,
        benchmark: impl Into<String>,
        ours: impl Into<String>,
        peer: impl Into<String>,
        ratio: impl Into<String>,
        target: impl Into<String>,
        status: Status,
    ) {
        self.rows.push(Row {
            benchmark: benchmark.into(),
            ours: ours.into(),
            peer: peer.into(),
            ratio: ratio.into(),
            target: target.into(),
            status,
        });
    }
}

/// The headline table, in Markdown.
pub(super) fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| benchmark | cloudflare-realtimekit | peer | ratio | target | |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    for row in rows {
        let status = match row.status {
            Status::Met => "met",
            Status::Missed => "**missed**",
            Status::Info => "",
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {status} |",
            row.benchmark.replace('|', "\\|"),
            row.ours.replace('|', "\\|"),
            row.peer.replace('|', "\\|"),
            row.ratio,
            row.target
        );
    }
    out
}

/// The measured part of BENCHMARKS.md.
pub(super) fn report(machine: &Machine, options: &Options, results: &Results, table: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{BEGIN}\n");
    let _ = writeln!(
        out,
        "Measured on {} by `cargo xtask bench` (commit {}).\n\n\
         - Machine: {}, {} cores, {} GiB RAM; {}; peer: cargo-progenitor {PROGENITOR_VERSION}.\n\
         - Peers ran side by side in the same run, {} rounds, alternating which went first; ratios are ours ÷ peer (time: lower \
         is better), medians of the per-round ratios.\n\
         - Each section started once less than {:.0}% of the CPU was busy (waiting at most {:.0?}):\n",
        today(),
        machine.commit,
        machine.cpu,
        machine.cores,
        machine.ram_gib,
        machine.rustc,
        options.rounds,
        QUIET * 100.0,
        options.max_wait,
    );
    for condition in &results.conditions {
        let _ = writeln!(out, "  - {condition}");
    }
    let _ = writeln!(out, "\n{table}\n## Details\n\n{}{END}", results.details);
    out
}

/// `existing` with its measured part replaced by `measured` (or `measured` followed by a stub
/// when the file has no markers yet).
pub(super) fn splice(existing: &str, measured: &str) -> String {
    match (existing.find(BEGIN), existing.find(END)) {
        (Some(begin), Some(end)) if begin < end => {
            format!("{}{measured}{}", &existing[..begin], &existing[end + END.len()..])
        }
        _ => format!("# Benchmarks\n\n{measured}\n\n## Analysis\n\n(Written by hand; kept by `cargo xtask bench`.)\n"),
    }
}

/// Today's date (UTC) as YYYY-MM-DD.
fn today() -> String {
    let days = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs() / 86_400);
    let (y, m, d) = civil_from_days(i64::try_from(days).unwrap_or(0));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 → (year, month, day).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_941), (2024, 8, 6));
    }

    #[test]
    fn splices_only_the_measured_part() {
        let existing = format!("# B\n\nintro\n{BEGIN}\nold\n{END}\n\n## Analysis\nkept\n");
        let measured = format!("{BEGIN}\nnew\n{END}");
        assert_eq!(splice(&existing, &measured), format!("# B\n\nintro\n{BEGIN}\nnew\n{END}\n\n## Analysis\nkept\n"));
        assert!(splice("", &measured).contains("## Analysis"));
    }

    #[test]
    fn writes_a_table() {
        assert!(table(&[]).starts_with("| benchmark"));
    }
}
