//! The GraphQL `Date` scalar: a calendar day, `YYYY-MM-DD` (ISO 8601), without time or zone.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

/// A calendar day (`2026-11-25`): the `Date` scalar of every date field, argument and input.
/// Rust code works with the `NaiveDate` inside (`Deref`, `From` both ways).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

impl Date {
    /// The first day a `Date` input may name.
    pub const MIN: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
        Some(d) => d,
        None => NaiveDate::MIN,
    };
    /// The last day a `Date` input may name.
    pub const MAX: NaiveDate = match NaiveDate::from_ymd_opt(2199, 12, 31) {
        Some(d) => d,
        None => NaiveDate::MAX,
    };

    /// `s` as a day when it is exactly `YYYY-MM-DD` (four, two and two digits), a real day, and
    /// from [`Date::MIN`] to [`Date::MAX`]; why not otherwise.
    pub fn parse_strict(s: &str) -> Result<Date, String> {
        let b = s.as_bytes();
        let shaped = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        let shown: String = s.chars().take(40).collect();
        if !shaped {
            return Err(format!("{shown:?} is not a date (YYYY-MM-DD)"));
        }
        let d = NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| format!("{shown:?} is not a day of the calendar"))?;
        if !(Date::MIN..=Date::MAX).contains(&d) {
            return Err(format!(
                "{shown:?} is out of range: dates run from {} to {}",
                Date::MIN,
                Date::MAX
            ));
        }
        Ok(Date(d))
    }
}

/// A calendar day in ISO 8601 form, exactly `YYYY-MM-DD` (`2026-11-25`), from 1900-01-01 to
/// 2199-12-31.
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => Date::parse_strict(s).map_err(InputValueError::custom),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

impl std::ops::Deref for Date {
    type Target = NaiveDate;
    fn deref(&self) -> &NaiveDate {
        &self.0
    }
}

impl From<NaiveDate> for Date {
    fn from(d: NaiveDate) -> Self {
        Date(d)
    }
}

impl From<Date> for NaiveDate {
    fn from(d: Date) -> Self {
        d.0
    }
}

/// Binds as the day it holds (query filters take a `Date` from a filter input directly).
impl From<Date> for sea_orm::Value {
    fn from(d: Date) -> Self {
        d.0.into()
    }
}

impl PartialEq<NaiveDate> for Date {
    fn eq(&self, other: &NaiveDate) -> bool {
        self.0 == *other
    }
}

impl PartialOrd<NaiveDate> for Date {
    fn partial_cmp(&self, other: &NaiveDate) -> Option<std::cmp::Ordering> {
        self.0.partial_cmp(other)
    }
}

impl PartialEq<Date> for NaiveDate {
    fn eq(&self, other: &Date) -> bool {
        *self == other.0
    }
}

impl PartialOrd<Date> for NaiveDate {
    fn partial_cmp(&self, other: &Date) -> Option<std::cmp::Ordering> {
        self.partial_cmp(&other.0)
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_iso_days_in_range_are_dates() {
        assert_eq!(
            Date::parse_strict("2023-02-03").map(|d| d.0),
            Ok(NaiveDate::from_ymd_opt(2023, 2, 3).expect("a day"))
        );
        for bad in [
            "2023-2-3",
            "0000-01-01",
            "1899-12-31",
            "2200-01-01",
            "+2023-02-03",
            "2023-02-30",
            "2023-02-03T00:00",
            " 2023-02-03",
            "２０２３-02-03",
            "",
        ] {
            assert!(Date::parse_strict(bad).is_err(), "{bad:?} accepted");
        }
        assert!(Date::parse_strict("1900-01-01").is_ok());
        assert!(Date::parse_strict("2199-12-31").is_ok());
    }
}
