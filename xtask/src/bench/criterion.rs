//! Running the criterion benches and reading what they measured: criterion's median estimates
//! (its `estimates.json`, read with serde_json) and the extra figures a bench reports itself.

use std::fs;
use std::path::Path;
use std::process::Command;

use serde::Deserialize;

use super::figures::{median, millis, ratio};
use super::report::{Results, Status};
use super::step;

/// Runs one criterion bench binary (through `cargo bench`) with its estimates under
/// `target/bench/criterion` and its extra figures under `target/bench/report`.
pub(super) fn criterion(root: &Path, package: &str, bench: &str, reverse: bool, log_name: &str) -> Result<(), String> {
    let home = root.join("target/bench/criterion");
    let report = root.join("target/bench/report");
    let _ = fs::remove_file(report.join(format!("{bench}.txt")));
    let log = root.join("target/bench/logs").join(format!("{log_name}.log"));
    let dir = root.join(if package == "generator" { "generator" } else { "generated" });
    let out = Command::new(root.join("target/bench/bin").join(bench))
        .current_dir(dir)
        .arg("--bench")
        .env("CRITERION_HOME", &home)
        .env("BENCH_REPORT_DIR", &report)
        .env("BENCH_ORDER", if reverse { "reverse" } else { "forward" })
        .output()
        .map_err(|e| format!("cannot run cargo bench: {e}"))?;
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    fs::write(&log, &text).map_err(|e| format!("cannot write {}: {e}", log.display()))?;
    if !out.status.success() {
        return Err(format!("the bench `{bench}` of {package} failed; see {}", log.display()));
    }
    Ok(())
}

/// The part of criterion's `estimates.json` used here (the mean, slope and spreads are ignored).
#[derive(Deserialize)]
struct Estimates {
    median: Estimate,
}

#[derive(Deserialize)]
struct Estimate {
    point_estimate: f64,
}

/// Criterion's median estimate (nanoseconds per iteration) of `group/function` from its last run.
pub(super) fn estimate(root: &Path, group: &str, function: &str) -> Result<f64, String> {
    let path = root.join("target/bench/criterion").join(group).join(function).join("new/estimates.json");
    let text = fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    median_estimate(&text).map_err(|e| format!("no median estimate in {}: {e}", path.display()))
}

/// `median.point_estimate` of criterion's estimates.json.
fn median_estimate(json: &str) -> Result<f64, serde_json::Error> {
    serde_json::from_str::<Estimates>(json).map(|estimates| estimates.median.point_estimate)
}

/// An extra figure a bench recorded with `support::report`: its file holds one `key value` line
/// per figure, the last one of a key counting.
pub(super) fn reported(root: &Path, bench: &str, key: &str) -> Option<String> {
    let text = fs::read_to_string(root.join("target/bench/report").join(format!("{bench}.txt"))).ok()?;
    text.lines()
        .filter_map(|line| line.split_once(' '))
        .filter(|(k, _)| *k == key)
        .map(|(_, v)| v.to_owned())
        .next_back()
}

/// What [`rounds_of`] measured: for each (group, function) its criterion median per round, and for
/// each paired comparison (`support::paired`) its figures per round.
pub(super) struct Rounds {
    pub(super) criterion: Vec<Vec<f64>>,
    pub(super) paired: Vec<Vec<Pairs>>,
}

/// One round of a paired comparison: the median per-pair ratio ours ÷ peer, and each side's
/// median time (ns).
pub(super) struct Pairs {
    pub(super) ratio: f64,
    pub(super) ours: f64,
    pub(super) peer: f64,
}

/// Runs a criterion bench `rounds` times, alternating the peers' order, and returns the
/// per-round figures of `ids` and of the `paired` comparisons, in the order given.
pub(super) fn rounds_of(
    root: &Path,
    bench: &str,
    rounds: usize,
    ids: &[(&str, &str)],
    paired: &[&str],
) -> Result<Rounds, String> {
    let mut measured =
        Rounds { criterion: vec![Vec::new(); ids.len()], paired: paired.iter().map(|_| Vec::new()).collect() };
    for round in 0..rounds {
        step(&format!("  {bench}: round {} of {rounds}", round + 1));
        criterion(root, "cloudflare-realtimekit", bench, round % 2 == 1, &format!("{bench}-round{}", round + 1))?;
        for (values, (group, function)) in measured.criterion.iter_mut().zip(ids) {
            values.push(estimate(root, group, function)?);
        }
        for (values, name) in measured.paired.iter_mut().zip(paired) {
            let figure = |suffix: &str| {
                let key = format!("paired_{name}{suffix}");
                let value = reported(root, bench, &key).and_then(|v| v.parse().ok());
                value.ok_or_else(|| format!("the bench `{bench}` reported no `{key}`"))
            };
            values.push(Pairs { ratio: figure("")?, ours: figure("_ours")?, peer: figure("_peer")? });
        }
    }
    Ok(measured)
}

/// A target row measured in interleaved pairs: the pairs' median times and ratio decide it; the
/// criterion medians of the same peers (`ours`, `theirs`, per round) are shown beside them.
pub(super) fn paired_row(
    results: &mut Results,
    benchmark: String,
    pairs: &[Pairs],
    ours: &[f64],
    theirs: &[f64],
    show: impl Fn(f64) -> String,
    target: f64,
) {
    let field = |get: fn(&Pairs) -> f64| median(&pairs.iter().map(get).collect::<Vec<_>>());
    let r = field(|p| p.ratio);
    let runs = pairs.iter().map(|p| format!("{:.2}", p.ratio)).collect::<Vec<_>>().join(", ");
    results.row(
        benchmark,
        show(field(|p| p.ours)),
        show(field(|p| p.peer)),
        format!(
            "{r:.2}x in pairs (rounds: {runs}); criterion: {} vs {}, {:.2}x",
            millis(median(ours)),
            millis(median(theirs)),
            ratio(ours, theirs)
        ),
        format!("≤ {target:.2}x"),
        if r <= target { Status::Met } else { Status::Missed },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_criterion_medians() {
        let json = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":3.0},"point_estimate":2.0,"standard_error":0.1},"median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":4.0,"upper_bound":6.0},"point_estimate":5.5e3,"standard_error":0.2}}"#;
        assert_eq!(median_estimate(json).ok(), Some(5500.0));
        assert!(median_estimate("{}").is_err());
    }

    #[test]
    fn pairs_decide_a_paired_target_and_criterion_is_shown_beside_them() {
        let pairs = |ratios: &[f64]| -> Vec<Pairs> {
            ratios.iter().map(|&ratio| Pairs { ratio, ours: 1e6 * ratio, peer: 1e6 }).collect()
        };
        let mut results = Results::default();
        let show = |ns: f64| millis(ns);
        paired_row(&mut results, "a".into(), &pairs(&[1.05, 1.20, 1.07]), &[13e6], &[10e6], show, 1.10);
        paired_row(&mut results, "b".into(), &pairs(&[1.12, 1.02, 1.15]), &[10e6], &[10e6], show, 1.10);
        let (a, b) = (&results.rows[0], &results.rows[1]);
        assert!(a.status == Status::Met && b.status == Status::Missed);
        assert_eq!(a.ratio, "1.07x in pairs (rounds: 1.05, 1.20, 1.07); criterion: 13.0 ms vs 10.0 ms, 1.30x");
        assert_eq!((a.ours.as_str(), a.peer.as_str(), a.target.as_str()), ("1.07 ms", "1.00 ms", "≤ 1.10x"));
    }
}
