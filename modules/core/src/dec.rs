//! Fixed-point decimals with 18 places, the SDK's `LegacyDec`, for params and ratios in state.

use std::fmt;
use std::str::FromStr;

use cosmwasm_std::{Decimal256, Uint128, Uint256, Uint512};

use crate::{Error, SdkCode};

/// A non-negative decimal with 18 fractional digits; every operation is checked.
/// JSON and `Display` use the SDK's form with all 18 places (`"0.334000000000000000"`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Dec(Decimal256);

/// 10^18, one in atomics.
const FRACTIONAL: u128 = 1_000_000_000_000_000_000;
/// 10^18 as a 512-bit integer.
const FRACTIONAL_WIDE: Uint512 = Uint512::new(FRACTIONAL);

/// `n / divisor` rounded half to even (the SDK's `chopPrecisionAndRound`).
fn round_half_even(n: Uint512, divisor: Uint512) -> Uint512 {
    let (quo, rem) = (n / divisor, n % divisor);
    let twice = rem + rem;
    let odd = quo % Uint512::from(2u8) == Uint512::one();
    if twice > divisor || (twice == divisor && odd) {
        quo + Uint512::one()
    } else {
        quo
    }
}

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

    /// `self * other` with `LegacyDec.Mul`'s rounding: the exact product, rounded half to
    /// even at 18 places.
    pub fn mul_round(self, other: Self) -> Result<Self, Error> {
        let product = self.0.atomics().full_mul(other.0.atomics());
        let fail = || overflow("product", self, other);
        Self::from_wide_atomics(round_half_even(product, FRACTIONAL_WIDE)).ok_or_else(fail)
    }

    /// `self / other` with `LegacyDec.Quo`'s rounding: `self * 10^36 / other` truncated,
    /// then rounded half to even at 18 places. Errors when `other` is zero.
    pub fn quo_round(self, other: Self) -> Result<Self, Error> {
        let fail = || overflow("quotient", self, other);
        if other.is_zero() {
            return Err(fail());
        }
        let scaled = self.0.atomics().full_mul(Uint256::from(FRACTIONAL));
        let scaled = scaled
            .checked_mul(Uint512::from(FRACTIONAL))
            .map_err(|_| fail())?;
        let quotient = scaled / Uint512::from(other.0.atomics());
        Self::from_wide_atomics(round_half_even(quotient, FRACTIONAL_WIDE)).ok_or_else(fail)
    }

    /// `self / other` with `LegacyDec.QuoRoundUp`'s rounding: `self * 10^36 / other`
    /// truncated, then rounded up at 18 places. Errors when `other` is zero.
    pub fn quo_round_up(self, other: Self) -> Result<Self, Error> {
        let fail = || overflow("quotient", self, other);
        if other.is_zero() {
            return Err(fail());
        }
        let scaled = self.0.atomics().full_mul(Uint256::from(FRACTIONAL));
        let scaled = scaled
            .checked_mul(Uint512::from(FRACTIONAL))
            .map_err(|_| fail())?;
        let quotient = scaled / Uint512::from(other.0.atomics());
        let mut up = quotient / FRACTIONAL_WIDE;
        if !(quotient % FRACTIONAL_WIDE).is_zero() {
            up += Uint512::one();
        }
        Self::from_wide_atomics(up).ok_or_else(fail)
    }

    fn from_wide_atomics(atomics: Uint512) -> Option<Self> {
        let atomics = Uint256::try_from(atomics).ok()?;
        Decimal256::from_atomics(atomics, Decimal256::DECIMAL_PLACES)
            .ok()
            .map(Self)
    }

    /// Whether this is zero.
    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    /// The integer `n` as a decimal.
    pub fn from_int(n: u128) -> Result<Self, Error> {
        Self::from_ratio(n, 1)
    }

    /// `self * mul / div` with the SDK's `MulInt(mul).QuoInt(div)` rounding: the product is
    /// exact, the quotient truncated to 18 places. Errors when `div` is zero or on overflow.
    pub fn mul_int_quo_int(self, mul: u128, div: u128) -> Result<Self, Error> {
        let fail = || overflow("scaled quotient", self, div);
        let product = self.0.atomics().checked_mul(Uint256::from(mul));
        let product = product.map_err(|_| fail())?;
        let atomics = product
            .checked_div(Uint256::from(div))
            .map_err(|_| fail())?;
        Decimal256::from_atomics(atomics, Decimal256::DECIMAL_PLACES)
            .map(Self)
            .map_err(|_| overflow("scaled quotient", self, div))
    }

    /// The integer part (the SDK's `TruncateInt`).
    pub fn truncate(self) -> Result<u128, Error> {
        self.mul_floor(1)
    }

    /// The SDK's protobuf form of a `LegacyDec`: its value times 10^18 as a decimal integer
    /// string (`"1500000000000000000"` for 1.5).
    pub fn to_atomics_string(&self) -> String {
        self.0.atomics().to_string()
    }

    /// A decimal from its protobuf form (see [`Dec::to_atomics_string`]); an empty string is 0.
    pub fn from_atomics_str(s: &str) -> Result<Self, Error> {
        if s.is_empty() {
            return Ok(Self::zero());
        }
        let atomics = Uint256::from_str(s).map_err(|e| {
            Error::sdk(
                SdkCode::InvalidRequest,
                format!("invalid decimal {s:?}: {e}"),
            )
        })?;
        Decimal256::from_atomics(atomics, Decimal256::DECIMAL_PLACES)
            .map(Self)
            .map_err(|e| {
                Error::sdk(
                    SdkCode::InvalidRequest,
                    format!("invalid decimal {s:?}: {e}"),
                )
            })
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

    #[test]
    fn sdk_share_arithmetic_and_wire_form() {
        // 1000 shares over 3000 tokens: delegating 1 token issues 0.333... shares, truncated.
        let shares = Dec::from_int(1000).unwrap();
        assert_eq!(
            shares.mul_int_quo_int(1, 3000).unwrap().to_string(),
            "0.333333333333333333"
        );
        assert!(shares.mul_int_quo_int(1, 0).is_err());
        let d: Dec = "1.5".parse().unwrap();
        assert_eq!(d.to_atomics_string(), "1500000000000000000");
        assert_eq!(Dec::from_atomics_str("1500000000000000000").unwrap(), d);
        assert_eq!(Dec::from_atomics_str("").unwrap(), Dec::zero());
        assert!(Dec::from_atomics_str("1.5").is_err());
        assert_eq!(d.truncate().unwrap(), 1);
    }

    #[test]
    fn legacy_dec_rounding() {
        let atto = |n: u128| Dec::from_atomics_str(&n.to_string()).unwrap();
        // 0.000000000000000005 * 0.1 = 5e-19: a tie, rounded to the even 0.
        assert_eq!(atto(5).mul_round("0.1".parse().unwrap()).unwrap(), atto(0));
        // 15e-19 rounds to the even 2e-18; 25e-19 to 2e-18; 26e-19 to 3e-18.
        let tenth: Dec = "0.1".parse().unwrap();
        assert_eq!(atto(15).mul_round(tenth).unwrap(), atto(2));
        assert_eq!(atto(25).mul_round(tenth).unwrap(), atto(2));
        assert_eq!(atto(26).mul_round(tenth).unwrap(), atto(3));
        assert_eq!(atto(26).checked_mul(tenth).unwrap(), atto(2));
        // 2/3 = 0.666...667 rounded (truncated: ...666).
        let two = Dec::from_int(2).unwrap();
        let three = Dec::from_int(3).unwrap();
        assert_eq!(
            two.quo_round(three).unwrap().to_string(),
            "0.666666666666666667"
        );
        assert_eq!(
            two.checked_div(three).unwrap().to_string(),
            "0.666666666666666666"
        );
        assert!(two.quo_round(Dec::zero()).is_err());
        // QuoRoundUp: 1/3 = 0.333...334; an exact quotient stays exact.
        let one = Dec::one();
        assert_eq!(
            one.quo_round_up(three).unwrap().to_string(),
            "0.333333333333333334"
        );
        assert_eq!(two.quo_round_up(two).unwrap(), one);
        assert!(one.quo_round_up(Dec::zero()).is_err());
    }
}
