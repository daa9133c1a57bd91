//! Figures: medians and ratios over rounds, and how times and sizes are written in the tables.

use std::time::Duration;

pub(super) fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The median over rounds of `ours[i] / peer[i]`.
pub(super) fn ratio(ours: &[f64], peer: &[f64]) -> f64 {
    median(&ours.iter().zip(peer).map(|(a, b)| a / b).collect::<Vec<_>>())
}

pub(super) fn seconds(s: f64) -> String {
    if !s.is_finite() {
        "?".to_owned()
    } else if s >= 1.0 {
        format!("{s:.2} s")
    } else {
        millis(s * 1e9)
    }
}

/// Nanoseconds as milliseconds with three significant digits.
pub(super) fn millis(ns: f64) -> String {
    let ms = ns / 1e6;
    if !ms.is_finite() {
        "?".to_owned()
    } else if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.2} ms")
    }
}

pub(super) fn duration(d: Duration) -> String {
    seconds(d.as_secs_f64())
}

pub(super) fn kib(value: Option<u64>) -> String {
    match value {
        Some(kib) if kib >= 1024 => format!("{:.0} MiB", kib as f64 / 1024.0),
        Some(kib) => format!("{kib} KiB"),
        None => "? MiB".to_owned(),
    }
}

pub(super) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(max).collect::<String>())
    }
}

pub(super) fn indent(text: &str, prefix: &str) -> String {
    text.lines().map(|line| format!("{prefix}{line}")).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(ratio(&[2.0, 3.0, 4.0], &[1.0, 3.0, 2.0]), 2.0);
    }

    #[test]
    fn formats_figures() {
        assert_eq!(seconds(1.234), "1.23 s");
        assert_eq!(seconds(0.1234), "123 ms");
        assert_eq!(millis(1_234_000.0), "1.23 ms");
        assert_eq!(kib(Some(2048)), "2 MiB");
    }
}
