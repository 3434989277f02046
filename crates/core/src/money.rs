//! Money: an integer number of rupiah everywhere (database `BIGINT`, GraphQL `Rupiah`), never a
//! float.
//!
//! GraphQL's `Int` is 32 bits (at most Rp 2,147,483,647, less than one village's assistance
//! budget), so amounts are a `Rupiah` scalar: a JSON integer. JSON readers in JavaScript hold
//! integers exactly up to 2^53 − 1 (Rp 9,007,199,254,740,991, about 2.5 times Indonesia's whole
//! 2025 state budget of Rp 3,600 trillion), so every amount and every total the API returns stays
//! below [`Rupiah::MAX`]. One record holds at most [`Rupiah::MAX_RECORD`] (Rp 1 trillion): a
//! total past `MAX` then takes thousands of such records, and statistics refuse it by name
//! (`RESULT_OUT_OF_RANGE`, `stats::sum_value`) rather than overflow.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};

use crate::error::{Error, Result};

/// An amount of rupiah (whole rupiah; may be negative only where a field says so, a loss).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Rupiah(pub i64);

impl Rupiah {
    /// The largest amount or total the API returns: 2^53 − 1, exact in every JSON reader.
    pub const MAX: i64 = (1 << 53) - 1;

    /// The largest amount one record holds: Rp 1,000,000,000,000 (one trillion; a year's
    /// assistance budget of a whole province is less).
    pub const MAX_RECORD: i64 = 1_000_000_000_000;

    /// The amount of one record, checked: BAD_USER_INPUT on `field` when negative (unless
    /// `signed`) or beyond [`Rupiah::MAX_RECORD`] in size.
    pub fn checked(self, field: &str, signed: bool) -> Result<i64> {
        if !signed && self.0 < 0 {
            return Err(Error::bad(field, "must not be negative"));
        }
        if self.0.unsigned_abs() > Rupiah::MAX_RECORD as u64 {
            return Err(Error::bad(
                field,
                format!("must be at most Rp {} in size", Rupiah::MAX_RECORD),
            ));
        }
        Ok(self.0)
    }
}

/// Whole rupiah, as a JSON integer (at most 2^53 − 1 in size, so that JavaScript clients read
/// it exactly). An input beyond that is refused by the mutation with BAD_USER_INPUT naming the
/// field; a fraction or a string is not a `Rupiah`.
#[Scalar(name = "Rupiah")]
impl ScalarType for Rupiah {
    fn parse(value: Value) -> InputValueResult<Self> {
        let Value::Number(n) = &value else {
            return Err(InputValueError::expected_type(value));
        };
        if let Some(v) = n.as_i64() {
            return Ok(Rupiah(v));
        }
        // Integers beyond 64 bits saturate, so that the mutation refuses them by name.
        match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f > 0.0 => Ok(Rupiah(i64::MAX)),
            Some(f) if f.fract() == 0.0 => Ok(Rupiah(i64::MIN + 1)),
            _ => Err(InputValueError::custom("rupiah are whole numbers")),
        }
    }

    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::Number(_))
    }

    fn to_value(&self) -> Value {
        Value::Number(self.0.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_checked_by_sign_and_size() {
        assert_eq!(
            Rupiah(5_000_000).checked("amount", false).ok(),
            Some(5_000_000)
        );
        assert!(Rupiah(-1).checked("amount", false).is_err());
        assert_eq!(Rupiah(-1).checked("profit", true).ok(), Some(-1));
        assert!(Rupiah(Rupiah::MAX + 1).checked("amount", false).is_err());
        assert_eq!(
            Rupiah(Rupiah::MAX_RECORD).checked("amount", false).ok(),
            Some(Rupiah::MAX_RECORD)
        );
        assert!(
            Rupiah(Rupiah::MAX_RECORD + 1)
                .checked("amount", false)
                .is_err()
        );
        assert!(
            Rupiah(-Rupiah::MAX_RECORD - 1)
                .checked("profit", true)
                .is_err()
        );
        assert!(Rupiah(i64::MAX).checked("amount", false).is_err());
        assert!(Rupiah(i64::MIN + 1).checked("profit", true).is_err());
        let big: Value = serde_json::from_str("100000000000000000000000")
            .ok()
            .unwrap_or_default();
        assert_eq!(
            <Rupiah as ScalarType>::parse(big).ok(),
            Some(Rupiah(i64::MAX))
        );
        let frac: Value = serde_json::from_str("1.5").ok().unwrap_or_default();
        assert!(<Rupiah as ScalarType>::parse(frac).is_err());
    }
}
