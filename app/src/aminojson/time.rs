//! `google.protobuf.Timestamp` and `Duration` as the SDK's amino JSON writes them
//! (`x/tx/signing/aminojson/time.go`): RFC 3339 in UTC, and a count of nanoseconds.

use std::fmt::Write as _;

use agora_proto::prost_reflect::DynamicMessage;
use anyhow::{bail, Result};

/// The largest `Duration.seconds` whose nanoseconds fit an int64 (the SDK's `MaxDurationSeconds`).
const MAX_DURATION_SECONDS: i64 = i64::MAX / 1_000_000_000 - 1;

fn seconds_nanos(msg: &DynamicMessage) -> Result<(i64, i64)> {
    let seconds = msg.get_field_by_name("seconds").and_then(|v| v.as_i64());
    let nanos = msg.get_field_by_name("nanos").and_then(|v| v.as_i32());
    match (seconds, nanos) {
        (Some(s), Some(n)) => Ok((s, n.into())),
        _ => bail!("expected seconds and nanos fields"),
    }
}

/// Writes a Timestamp as Go's `time.Unix(s, n).UTC()` formatted with `RFC3339` (whole
/// seconds) or `RFC3339Nano` (fraction without trailing zeros), quoted.
pub(super) fn timestamp(out: &mut String, msg: &DynamicMessage) -> Result<()> {
    let (seconds, nanos) = seconds_nanos(msg)?;
    if nanos < 0 {
        bail!("nanos must be non-negative on timestamp");
    }
    let secs = seconds.saturating_add(nanos / 1_000_000_000);
    let nanos = nanos % 1_000_000_000;
    let (days, day_secs) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    out.push('"');
    if year < 0 {
        out.push('-');
    }
    let _ = write!(
        out,
        "{:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        year.unsigned_abs(),
        day_secs / 3600,
        day_secs / 60 % 60,
        day_secs % 60
    );
    if nanos > 0 {
        let fraction = format!("{nanos:09}");
        let _ = write!(out, ".{}", fraction.trim_end_matches('0'));
    }
    out.push_str("Z\"");
    Ok(())
}

/// Writes a Duration as its total nanoseconds, quoted (int64 arithmetic, as Go's).
pub(super) fn duration(out: &mut String, msg: &DynamicMessage) -> Result<()> {
    let (seconds, nanos) = seconds_nanos(msg)?;
    if seconds > MAX_DURATION_SECONDS {
        bail!("{seconds} seconds would overflow an int64 when represented as nanoseconds");
    }
    let total = seconds.wrapping_mul(1_000_000_000).wrapping_add(nanos);
    let _ = write!(out, "\"{total}\"");
    Ok(())
}

/// The proleptic Gregorian (year, month, day) of a count of days since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use agora_proto::prost_reflect::Value;

    fn message(name: &str, seconds: i64, nanos: i32) -> DynamicMessage {
        let desc = super::super::options::pool()
            .get_message_by_name(name)
            .unwrap();
        let mut msg = DynamicMessage::new(desc);
        msg.set_field_by_name("seconds", Value::I64(seconds));
        msg.set_field_by_name("nanos", Value::I32(nanos));
        msg
    }

    #[test]
    fn timestamps_and_durations_print_as_go() {
        let ts = |s, n| {
            let mut out = String::new();
            timestamp(&mut out, &message("google.protobuf.Timestamp", s, n)).map(|_| out)
        };
        // Go: time.Unix(...).UTC().Format(time.RFC3339 / RFC3339Nano)
        assert_eq!(ts(0, 0).unwrap(), r#""1970-01-01T00:00:00Z""#);
        assert_eq!(
            ts(1_700_000_000, 500_000_000).unwrap(),
            r#""2023-11-14T22:13:20.5Z""#
        );
        assert_eq!(ts(-1, 0).unwrap(), r#""1969-12-31T23:59:59Z""#);
        assert_eq!(
            ts(951_782_400, 1).unwrap(),
            r#""2000-02-29T00:00:00.000000001Z""#
        );
        assert!(ts(0, -1).is_err());
        let mut out = String::new();
        duration(&mut out, &message("google.protobuf.Duration", 600, 5)).unwrap();
        assert_eq!(out, r#""600000000005""#);
        assert!(duration(
            &mut String::new(),
            &message("google.protobuf.Duration", i64::MAX, 0)
        )
        .is_err());
    }
}
