//! Timestamps (Data 4.5): ISO 8601 in xAPI 1.0.3, the RFC 3339 profile of it in 2.0.0.

use super::XapiVersion;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, SecondsFormat, TimeZone, Utc};

/// The LRS's own timestamps (`stored`, `X-Experience-API-Consistent-Through`): RFC 3339 in UTC
/// with microseconds.
pub fn format_timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Parse a statement timestamp (`timestamp`, `stored`, or a `since`/`until` parameter) into the
/// point in time it names, or say why it is not one.
///
/// Both versions take the extended form `YYYY-MM-DDThh:mm:ss[.fraction]<offset>` with `T`, `t`
/// or a space between date and time (RFC 3339 allows the space; the 2.0 conformance suite sends
/// it), seconds required, and a real calendar date. The offset is `Z`/`z` or `±hh:mm`; an offset
/// of `-00:00` ("local offset unknown", RFC 3339 4.3) is refused in both versions, as the
/// conformance suites require, and so are `-0000` and `-00`.
///
/// - 1.0.3 follows ISO 8601 (Data 4.5.s1.b1): it also takes the basic form
///   (`YYYYMMDDThhmmss`), a comma before the fraction, offsets written `±hhmm` or `±hh`, and no
///   offset at all (time zone is only a SHOULD*); a timestamp without offset is read as UTC.
/// - 2.0.0 requires RFC 3339, where the offset is mandatory (the 1.0.3 SHOULD* became a SHALL).
///
/// Fractions keep nanosecond precision; further digits are dropped. A leap second (`:60`) is
/// accepted.
pub fn parse_timestamp(input: &str, version: XapiVersion) -> Result<DateTime<Utc>, &'static str> {
    const FORMAT: &str =
        "must be an ISO 8601 / RFC 3339 timestamp such as 2024-05-18T05:32:34.804Z";
    let iso = version == XapiVersion::V1_0_3;
    let mut cursor = Cursor { rest: input };

    let extended = input.as_bytes().get(4) == Some(&b'-');
    if !extended && !iso {
        return Err(FORMAT);
    }
    // The extended form separates date fields with `-` and time fields with `:`; the basic form
    // uses no separators at all (and may not mix forms).
    let separator = |c: &mut Cursor, token: &[u8]| !extended || c.eat(token);
    let year = cursor.number(4).ok_or(FORMAT)?;
    let month = separator(&mut cursor, b"-")
        .then(|| cursor.number(2))
        .flatten()
        .ok_or(FORMAT)?;
    let day = separator(&mut cursor, b"-")
        .then(|| cursor.number(2))
        .flatten()
        .ok_or(FORMAT)?;
    if !(cursor.eat(b"T") || cursor.eat(b"t") || cursor.eat(b" ")) {
        return Err(FORMAT);
    }
    let hour = cursor.number(2).ok_or(FORMAT)?;
    let minute = separator(&mut cursor, b":")
        .then(|| cursor.number(2))
        .flatten()
        .ok_or(FORMAT)?;
    let second = separator(&mut cursor, b":")
        .then(|| cursor.number(2))
        .flatten()
        .ok_or(FORMAT)?;
    let nanos = if cursor.eat(b".") || (iso && cursor.eat(b",")) {
        cursor.fraction_nanos().ok_or(FORMAT)?
    } else {
        0
    };
    let offset_seconds = match cursor.rest {
        "" if iso => 0,
        "" => return Err("must include a time zone offset (Z or ±hh:mm)"),
        "Z" | "z" => 0,
        "-00:00" | "-0000" | "-00" => {
            return Err("must not use the offset -00:00 (unknown local offset); use Z or +00:00")
        }
        offset => parse_offset(offset, iso).ok_or(FORMAT)?,
    };

    let date = NaiveDate::from_ymd_opt(year as i32, month, day).ok_or(FORMAT)?;
    if hour > 23 || minute > 59 || second > 60 {
        return Err(FORMAT);
    }
    // chrono writes a leap second as second 59 with a nanosecond count of one second or more.
    let (second, nanos) = if second == 60 {
        (59, nanos + 1_000_000_000)
    } else {
        (second, nanos)
    };
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos).ok_or(FORMAT)?;
    let offset = FixedOffset::east_opt(offset_seconds).ok_or(FORMAT)?;
    offset
        .from_local_datetime(&date.and_time(time))
        .single()
        .map(|moment| moment.with_timezone(&Utc))
        .ok_or(FORMAT)
}

/// `±hh:mm` (and, with `iso`, `±hhmm` or `±hh`) as seconds east of UTC.
fn parse_offset(offset: &str, iso: bool) -> Option<i32> {
    let (sign, digits) = match offset.as_bytes().first()? {
        b'+' => (1, &offset[1..]),
        b'-' => (-1, &offset[1..]),
        _ => return None,
    };
    let mut cursor = Cursor { rest: digits };
    let hours = cursor.number(2)?;
    let minutes = if cursor.rest.is_empty() && iso {
        0
    } else if cursor.eat(b":") || iso {
        cursor.number(2)?
    } else {
        return None;
    };
    (cursor.rest.is_empty() && hours <= 23 && minutes <= 59)
        .then(|| sign * (hours * 3600 + minutes * 60) as i32)
}

/// A reader over the ASCII text of a timestamp.
struct Cursor<'a> {
    rest: &'a str,
}

impl Cursor<'_> {
    /// Consume `token` if the text starts with it.
    fn eat(&mut self, token: &[u8]) -> bool {
        let matched = self.rest.as_bytes().starts_with(token);
        if matched {
            self.rest = &self.rest[token.len()..];
        }
        matched
    }

    /// Consume exactly `width` ASCII digits.
    fn number(&mut self, width: usize) -> Option<u32> {
        let digits = self.rest.get(..width)?;
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        self.rest = &self.rest[width..];
        digits.parse().ok()
    }

    /// Consume one or more digits of a decimal fraction, as nanoseconds (truncated).
    fn fraction_nanos(&mut self) -> Option<u32> {
        let len = self.rest.bytes().take_while(u8::is_ascii_digit).count();
        if len == 0 {
            return None;
        }
        let digits = &self.rest[..len];
        self.rest = &self.rest[len..];
        let kept = &digits[..len.min(9)];
        let value: u32 = kept.parse().ok()?;
        Some(value * 10u32.pow(9 - kept.len() as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lrs_writes_utc_with_microseconds() {
        let at = DateTime::parse_from_rfc3339("2024-05-18T07:32:34.804512345+02:00")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(format_timestamp(at), "2024-05-18T05:32:34.804512Z");
    }
    use XapiVersion::{V1_0_3, V2_0_0};

    fn utc(input: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(input)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn rfc_3339_timestamps_parse_in_both_versions() {
        for version in [V1_0_3, V2_0_0] {
            assert_eq!(
                parse_timestamp("2013-05-18T05:32:34.804Z", version),
                Ok(utc("2013-05-18T05:32:34.804Z"))
            );
            assert_eq!(
                parse_timestamp("2015-11-18T12:17:00+00:00", version),
                Ok(utc("2015-11-18T12:17:00Z"))
            );
            assert_eq!(
                parse_timestamp("2008-09-15 15:53:00.601+00:00", version),
                Ok(utc("2008-09-15T15:53:00.601Z"))
            );
            assert_eq!(
                parse_timestamp("2013-05-18T07:32:34+02:00", version),
                Ok(utc("2013-05-18T05:32:34Z"))
            );
            assert_eq!(
                parse_timestamp("2013-05-18t05:32:34.123456789123z", version),
                Ok(utc("2013-05-18T05:32:34.123456789Z"))
            );
        }
    }

    #[test]
    fn the_negative_zero_offset_is_refused_in_both_versions() {
        for version in [V1_0_3, V2_0_0] {
            for input in [
                "2008-09-15T15:53:00.601-00:00",
                "2008-09-15T15:53:00.601-0000",
                "2008-09-15T15:53:00.601-00",
            ] {
                let reason = parse_timestamp(input, version).unwrap_err();
                assert!(reason.contains("-00:00"), "{input}: {reason}");
            }
        }
    }

    #[test]
    fn version_1_0_3_takes_iso_8601_forms_rfc_3339_does_not() {
        for input in [
            "2013-05-18T05:32:34",
            "20130518T053234Z",
            "2013-05-18T05:32:34,5Z",
            "2013-05-18T07:32:34+0200",
            "2013-05-18T07:32:34+02",
        ] {
            assert!(parse_timestamp(input, V1_0_3).is_ok(), "{input}");
            assert!(parse_timestamp(input, V2_0_0).is_err(), "{input}");
        }
        assert_eq!(
            parse_timestamp("2013-05-18T05:32:34", V1_0_3),
            Ok(utc("2013-05-18T05:32:34Z"))
        );
        assert_eq!(
            parse_timestamp("2013-05-18T05:32:34", V2_0_0),
            Err("must include a time zone offset (Z or ±hh:mm)")
        );
    }

    #[test]
    fn malformed_timestamps_are_refused() {
        for input in [
            "should fail",
            "01/011/2015",
            "",
            "2013-05-18",
            "2013-05-18T05:32Z",
            "2013-02-30T05:32:34Z",
            "2013-13-01T05:32:34Z",
            "2013-05-18T24:00:00Z",
            "2013-05-18T05:60:00Z",
            "2013-05-18T05:32:34.Z",
            "2013-05-18T05:32:34+25:00",
            "2013-05-18T05:32:34+02:60",
            "2013-05-18T05:32:34 Z",
            "2013-05-18T05:32:34Zjunk",
            "2013-05-18T05:32:34.804+00:00:00",
            "2013:05:18T05-32-34Z",
            "2013-05-18T053234Z",
            "July 04, 1776 16:00:45",
        ] {
            for version in [V1_0_3, V2_0_0] {
                assert!(
                    parse_timestamp(input, version).is_err(),
                    "{input} {version}"
                );
            }
        }
    }

    #[test]
    fn a_leap_second_is_a_valid_timestamp() {
        let parsed = parse_timestamp("2016-12-31T23:59:60Z", V2_0_0).unwrap();
        assert_eq!(
            parsed.date_naive(),
            NaiveDate::from_ymd_opt(2016, 12, 31).unwrap()
        );
    }
}
