//! Fixed-point decimals with 18 places, the SDK's `LegacyDec`, for params and ratios in state.

use std::fmt;
use std::str::FromStr;

use cosmwasm_std::{Decimal256, Uint128, Uint256};

use crate::{Error, SdkCode};

/// A non-negative decimal with 18 fractional digits; every operation is checked.
/// JSON and `Display` use the SDK's form with all 18 places (`"0.334000000000000000"`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Dec(Decimal256);

fn overflow(op: &str, a: impl fmt::Display, b: impl fmt::Display) -> Error {
    Error::sdk(
        SdkCode::InvalidRequest,
        format!("decimal {op} of {a} and {b} overflows or divides by zero"),
    )
}

impl Dec {
    /// Zero.
    pub const fn zero() -> Self {
        Self(Decimal256::zero())
    }

    /// One.
    pub const fn one() -> Self {
        Self(Decimal256::one())
    }

    /// `numerator / denominator`; errors when the denominator is zero or the result overflows.
    pub fn from_ratio(numerator: u128, denominator: u128) -> Result<Self, Error> {
        Decimal256::checked_from_ratio(numerator, denominator)
            .map(Self)
            .map_err(|_| overflow("ratio", numerator, denominator))
    }

    /// `self + other`.
    pub fn checked_add(self, other: Self) -> Result<Self, Error> {
        self.0
            .checked_add(other.0)
            .map(Self)
            .map_err(|_| overflow("sum", self, other))
    }

    /// `self - other`; errors when negative.
    pub fn checked_sub(self, other: Self) -> Result<Self, Error> {
        self.0
            .checked_sub(other.0)
            .map(Self)
            .map_err(|_| overflow("difference", self, other))
    }

    /// `self * other`, truncated to 18 places.
    pub fn checked_mul(self, other: Self) -> Result<Self, Error> {
        self.0
            .checked_mul(other.0)
            .map(Self)
            .map_err(|_| overflow("product", self, other))
    }

    /// `self / other`, truncated to 18 places.
    pub fn checked_div(self, other: Self) -> Result<Self, Error> {
        self.0
            .checked_div(other.0)
            .map(Self)
            .map_err(|_| overflow("quotient", self, other))
    }

    /// `amount * self`, rounded up: what the SDK does for fees (`gas * min gas price`).
    pub fn mul_ceil(self, amount: u128) -> Result<u128, Error> {
        let product = Uint256::from(amount)
            .checked_mul_ceil(self.0)
            .map_err(|_| overflow("product", amount, self))?;
        Uint128::try_from(product)
            .map(|p| p.u128())
            .map_err(|_| overflow("product", amount, self))
    }

    /// `amount * self`, truncated.
    pub fn mul_floor(self, amount: u128) -> Result<u128, Error> {
        let product = Uint256::from(amount)
            .checked_mul_floor(self.0)
            .map_err(|_| overflow("product", amount, self))?;
        Uint128::try_from(product)
            .map(|p| p.u128())
            .map_err(|_| overflow("product", amount, self))
    }

    /// Whether this is zero.
    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }
}

impl fmt::Display for Dec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let atomics = self.0.atomics().to_string();
        let places = Decimal256::DECIMAL_PLACES as usize;
        let padded = format!("{atomics:0>width$}", width = places + 1);
        let (int, frac) = padded.split_at(padded.len() - places);
        write!(f, "{int}.{frac}")
    }
}

impl FromStr for Dec {
    type Err = Error;
    /// Parses `0.5`, `1`, or the SDK's 18-place form.
    fn from_str(s: &str) -> Result<Self, Error> {
        Decimal256::from_str(s).map(Self).map_err(|e| {
            Error::sdk(
                SdkCode::InvalidRequest,
                format!("invalid decimal {s:?}: {e}"),
            )
        })
    }
}

impl serde::Serialize for Dec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> serde::Deserialize<'de> for Dec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_string_form() {
        let d: Dec = "0.334".parse().unwrap();
        assert_eq!(d.to_string(), "0.334000000000000000");
        assert_eq!(
            Dec::from_ratio(5, 1).unwrap().to_string(),
            "5.000000000000000000"
        );
        assert_eq!("0.334000000000000000".parse::<Dec>().unwrap(), d);
        assert!("-1".parse::<Dec>().is_err());
        assert!("abc".parse::<Dec>().is_err());
    }

    #[test]
    fn checked_arithmetic() {
        let half: Dec = "0.5".parse().unwrap();
        assert_eq!(
            half.checked_mul(half).unwrap().to_string(),
            "0.250000000000000000"
        );
        assert!(half.checked_sub(Dec::one()).is_err());
        assert!(Dec::from_ratio(1, 0).is_err());
        let price: Dec = "0.025".parse().unwrap();
        assert_eq!(price.mul_ceil(200_001).unwrap(), 5001);
        assert_eq!(price.mul_floor(200_001).unwrap(), 5000);
    }
}
