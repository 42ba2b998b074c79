//! Durations (Data 4.6): the ISO 8601:2004 4.4.3.2 format `PnYnMnDTnHnMnS` or `PnW`.

const SECOND_MS: u128 = 1_000;
const MINUTE_MS: u128 = 60 * SECOND_MS;
const HOUR_MS: u128 = 60 * MINUTE_MS;
const DAY_MS: u128 = 24 * HOUR_MS;
/// A month counts 30 days.
const MONTH_MS: u128 = 30 * DAY_MS;
/// A year counts 365 days.
const YEAR_MS: u128 = 365 * DAY_MS;
const WEEK_MS: u128 = 7 * DAY_MS;

/// The date designators in the order they must appear, with their length in milliseconds.
const DATE_UNITS: [(u8, u128); 3] = [(b'Y', YEAR_MS), (b'M', MONTH_MS), (b'D', DAY_MS)];
/// The time designators (after `T`) in order.
const TIME_UNITS: [(u8, u128); 3] = [(b'H', HOUR_MS), (b'M', MINUTE_MS), (b'S', SECOND_MS)];

/// The length of an xAPI duration in whole milliseconds, or `None` when it is not one.
///
/// Accepted: `P` followed by date components `nY nM nD` (each optional, in this order), then
/// optionally `T` and time components `nH nM nS` (at least one), or the week form `nW` alone
/// (`P4W`; `P4W1D` is invalid). At least one component; only the last may carry a decimal
/// fraction (`.` or `,`), as ISO 8601 allows for the lowest-order component. The alternative
/// format (`P0003-01-29T04:35:59`, ISO 8601 4.4.3.3) is refused, as the specification requires.
///
/// Months and years have no fixed length (Data 2.3.1.b8); here a month counts 30 days and a year
/// 365 days, so `P1Y` is 31 536 000 000 ms. Use this to total learning time, not to compare
/// statements: statement comparison treats a duration as a string (see [`truncate_duration`]).
/// Sub-millisecond precision is truncated; a duration beyond `u64` milliseconds is `None`.
pub fn parse_duration(input: &str) -> Option<u64> {
    let mut rest = input.strip_prefix('P')?.as_bytes();
    if rest.is_empty() {
        return None;
    }
    // The week form stands alone.
    if rest.last() == Some(&b'W') {
        let (ms, tail) = component(rest, WEEK_MS)?;
        if tail != b"W" {
            return None;
        }
        return u64::try_from(ms).ok();
    }
    let mut total: u128 = 0;
    let mut components = 0;
    let mut fraction_seen = false;
    for (section, units) in [(&b""[..], &DATE_UNITS), (&b"T"[..], &TIME_UNITS)] {
        if !section.is_empty() {
            match rest.strip_prefix(section) {
                Some(after) if !after.is_empty() => rest = after,
                Some(_) => return None, // `T` with no time component
                None => break,
            }
        }
        for (designator, unit_ms) in units {
            let digits = rest.iter().take_while(|b| is_number_byte(**b)).count();
            if digits == 0 || rest.get(digits) != Some(designator) {
                continue;
            }
            if fraction_seen {
                return None; // only the last component may have a fraction
            }
            let (ms, tail) = component(rest, *unit_ms)?;
            fraction_seen = rest[..digits].iter().any(|b| matches!(b, b'.' | b','));
            total = total.checked_add(ms)?;
            components += 1;
            rest = &tail[1..];
        }
    }
    if !rest.is_empty() || components == 0 {
        return None;
    }
    u64::try_from(total).ok()
}

/// The duration with any precision beyond 0.01 second cut from its seconds component
/// (`PT1.2345S` becomes `PT1.23S`); anything else, including invalid input, is returned as is.
///
/// Both versions say to ignore precision beyond 0.01 s when comparing durations (1.0.3 Data
/// 4.6.s1.b5, 2.0.0 4.2.7), while statement comparison treats a duration as a string, without
/// converting units (Data 2.3.1.b8). Comparing the truncated strings honours both. An LRS may
/// also store the truncated form (Data 4.6.s1.b4).
pub fn truncate_duration(input: &str) -> String {
    if parse_duration(input).is_none() || !input.ends_with('S') {
        return input.to_owned();
    }
    let number = &input[..input.len() - 1];
    let digits_start = number
        .rfind(|c: char| !is_number_byte(c as u8) || !c.is_ascii())
        .map_or(0, |at| at + 1);
    let Some(separator) = number[digits_start..].find(['.', ',']) else {
        return input.to_owned();
    };
    let keep = (digits_start + separator + 3).min(number.len());
    format!("{}S", &number[..keep])
}

/// A digit or a decimal separator.
fn is_number_byte(b: u8) -> bool {
    b.is_ascii_digit() || b == b'.' || b == b','
}

/// Read one `number designator` component at the start of `bytes`: its length in milliseconds
/// and the bytes from the designator on. The number is digits with an optional fraction.
fn component(bytes: &[u8], unit_ms: u128) -> Option<(u128, &[u8])> {
    let len = bytes.iter().take_while(|b| is_number_byte(**b)).count();
    let number = std::str::from_utf8(&bytes[..len]).ok()?;
    let (whole, fraction) = match number.split_once(['.', ',']) {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (number, None),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut ms = whole.parse::<u128>().ok()?.checked_mul(unit_ms)?;
    if let Some(fraction) = fraction {
        if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        // Twelve digits are more than any unit here needs for millisecond precision.
        let kept = &fraction[..fraction.len().min(12)];
        let scale = 10u128.pow(kept.len() as u32);
        ms = ms.checked_add(kept.parse::<u128>().ok()? * unit_ms / scale)?;
    }
    Some((ms, &bytes[len..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_specification_examples_parse() {
        assert_eq!(parse_duration("PT4H35M59.14S"), Some(16_559_140));
        assert_eq!(parse_duration("P16559.14S"), None); // seconds belong after T
        assert_eq!(parse_duration("PT16559.14S"), Some(16_559_140));
        assert_eq!(
            parse_duration("P3Y1M29DT4H35M59.14S"),
            Some(3 * 31_536_000_000 + 30 * 86_400_000 + 29 * 86_400_000 + 16_559_140)
        );
        assert_eq!(parse_duration("P3Y"), Some(3 * 31_536_000_000));
        assert_eq!(parse_duration("P4W"), Some(4 * 7 * 86_400_000));
        assert_eq!(parse_duration("PT1H0M0.1S"), Some(3_600_100));
        assert_eq!(parse_duration("PT1234S"), Some(1_234_000));
        assert_eq!(parse_duration("PT1H0M0S"), Some(3_600_000));
    }

    #[test]
    fn the_last_component_may_have_a_fraction() {
        assert_eq!(parse_duration("P0.5D"), Some(43_200_000));
        assert_eq!(parse_duration("PT1.5H"), Some(5_400_000));
        assert_eq!(parse_duration("PT0,5S"), Some(500));
        assert_eq!(parse_duration("P1.5W"), Some(907_200_000));
        assert_eq!(parse_duration("PT0.0004S"), Some(0));
        assert_eq!(parse_duration("P0.5DT1H"), None);
        assert_eq!(parse_duration("PT1.5H30M"), None);
    }

    #[test]
    fn malformed_durations_are_refused() {
        for bad in [
            "",
            "P",
            "PT",
            "P1DT",
            "PA1H0M0S",
            "should fail",
            "P4W1D",
            "P1D4W",
            "PT1S1M",
            "P1M1Y",
            "P1Y1Y",
            "PT1H1H",
            "1D",
            "P-1D",
            "P1.D",
            "P.5D",
            "PT1..5S",
            "P1H",
            "PT1D",
            "P0003-01-29T04:35:59",
            "pt1s",
            "P1DT1S ",
            "P99999999999999999999999999999999999999Y",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn durations_are_truncated_to_hundredths_of_a_second() {
        assert_eq!(truncate_duration("PT1.2345S"), "PT1.23S");
        assert_eq!(truncate_duration("PT4H35M59.149S"), "PT4H35M59.14S");
        assert_eq!(truncate_duration("PT0,999S"), "PT0,99S");
        assert_eq!(truncate_duration("PT59.14S"), "PT59.14S");
        assert_eq!(truncate_duration("PT1.5S"), "PT1.5S");
        assert_eq!(truncate_duration("PT12S"), "PT12S");
        assert_eq!(truncate_duration("P4W"), "P4W");
        assert_eq!(
            truncate_duration("not a duration.123S"),
            "not a duration.123S"
        );
    }
}
