//! Time as the audit log writes it: UTC, fixed width with milliseconds, so that text order
//! is time order and filters can compare strings.

/// The current time as the log stores it.
pub fn now() -> String {
    stamp(time::OffsetDateTime::now_utc())
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC.
pub fn stamp(t: time::OffsetDateTime) -> String {
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    t.to_offset(time::UtcOffset::UTC)
        .format(&fmt)
        .unwrap_or_default()
}

/// The UTC date (`YYYY-MM-DD`) of a Unix time in seconds, e.g. for "today" filters.
pub fn utc_date(unix_secs: u64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(i64::try_from(unix_secs).unwrap_or(0))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    stamp(t)[..10].to_owned()
}
