//! Coins: amounts of a denom, and sorted sets of them, with checked arithmetic.

use std::fmt;
use std::str::FromStr;

use agora_proto::cosmos::base::v1beta1::Coin as ProtoCoin;

use crate::{Error, SdkCode};

/// An amount of one denom. JSON: `{"denom":"uagr","amount":"100"}` as in the Cosmos SDK.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Coin {
    /// The denom, e.g. `uagr`.
    pub denom: String,
    /// The amount, a decimal string in JSON.
    #[serde(with = "amount_string")]
    pub amount: u128,
}

/// Serde for a `u128` as a decimal string, as the SDK's JSON writes `Int`s.
pub mod amount_string {
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the amount as a string.
    pub fn serialize<S: Serializer>(v: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }

    /// Reads a non-negative integer string.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(|_| {
            serde::de::Error::custom(format!("amount {s:?} is not a non-negative integer"))
        })
    }
}

/// Serde for a `u64` as protobuf JSON writes it (`"6311520"`); a JSON number is accepted too.
pub mod u64_string {
    use serde::{Deserialize, Deserializer, Serializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum StringOrNumber {
        String(String),
        Number(u64),
    }

    /// Writes the integer as a string.
    pub fn serialize<S: Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }

    /// Reads a string or a number.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        match StringOrNumber::deserialize(d)? {
            StringOrNumber::Number(n) => Ok(n),
            StringOrNumber::String(s) => s.parse().map_err(|_| {
                serde::de::Error::custom(format!("{s:?} is not an unsigned 64-bit integer"))
            }),
        }
    }
}

/// Serde for whole seconds as protobuf JSON writes a `Duration` (`"1814400s"`).
pub mod seconds_string {
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the seconds with an `s` suffix.
    pub fn serialize<S: Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{v}s"))
    }

    /// Reads `"<n>s"`; fractions of a second are refused.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        let s = String::deserialize(d)?;
        s.strip_suffix('s')
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "{s:?} is not a duration in whole seconds like \"600s\""
                ))
            })
    }
}

/// Checks a denom against the SDK's rule `[a-zA-Z][a-zA-Z0-9/:._-]{2,127}`.
pub fn validate_denom(denom: &str) -> Result<(), Error> {
    let bytes = denom.as_bytes();
    let ok = (3..=128).contains(&bytes.len())
        && bytes[0].is_ascii_alphabetic()
        && bytes[1..]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"/:._-".contains(b));
    if ok {
        Ok(())
    } else {
        Err(Error::sdk(
            SdkCode::InvalidCoins,
            format!("invalid denom: {denom:?}"),
        ))
    }
}

impl Coin {
    /// A coin of `amount` `denom`.
    pub fn new(amount: u128, denom: impl Into<String>) -> Self {
        Self {
            denom: denom.into(),
            amount,
        }
    }

    /// Checks the denom.
    pub fn validate(&self) -> Result<(), Error> {
        validate_denom(&self.denom)
    }
}

impl fmt::Display for Coin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.amount, self.denom)
    }
}

impl FromStr for Coin {
    type Err = Error;
    /// Parses `100uagr`.
    fn from_str(s: &str) -> Result<Self, Error> {
        let s = s.trim();
        let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let (amount, denom) = s.split_at(split);
        let amount = amount.parse::<u128>().map_err(|_| {
            Error::sdk(
                SdkCode::InvalidCoins,
                format!("invalid coin {s:?}: expected an amount then a denom, like 100uagr"),
            )
        })?;
        validate_denom(denom)?;
        Ok(Coin::new(amount, denom))
    }
}

/// A set of coins: sorted by denom, no duplicates, no zero amounts (the SDK's `sdk.Coins` rules).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Coins(Vec<Coin>);

impl Coins {
    /// The empty set.
    pub fn empty() -> Self {
        Self(Vec::new())
    }

    /// Builds a set from coins in any order; errors on bad denoms or duplicate denoms, drops zeros.
    pub fn new(mut coins: Vec<Coin>) -> Result<Self, Error> {
        for c in &coins {
            c.validate()?;
        }
        coins.retain(|c| c.amount > 0);
        coins.sort_by(|a, b| a.denom.cmp(&b.denom));
        if let Some(w) = coins.windows(2).find(|w| w[0].denom == w[1].denom) {
            return Err(Error::sdk(
                SdkCode::InvalidCoins,
                format!("duplicate denomination {}", w[0].denom),
            ));
        }
        Ok(Self(coins))
    }

    /// Validates coins that must already be in canonical form (as in a message): sorted, unique, positive.
    pub fn from_canonical(coins: Vec<Coin>) -> Result<Self, Error> {
        for c in &coins {
            c.validate()?;
            if c.amount == 0 {
                return Err(Error::sdk(
                    SdkCode::InvalidCoins,
                    format!("coin {c} amount is not positive"),
                ));
            }
        }
        if coins.windows(2).any(|w| w[0].denom >= w[1].denom) {
            let shown = Coins(coins.clone());
            return Err(Error::sdk(
                SdkCode::InvalidCoins,
                format!("coins {shown} are not sorted by denom or repeat one"),
            ));
        }
        Ok(Self(coins))
    }

    /// The coins of a Msg: non-empty, valid denoms, positive amounts, sorted, no repeats.
    pub fn from_msg(coins: &[ProtoCoin]) -> Result<Self, Error> {
        if coins.is_empty() {
            return Err(Error::sdk(SdkCode::InvalidCoins, "no coins given"));
        }
        let parsed = coins
            .iter()
            .map(|c| {
                let amount = c.amount.parse::<u128>().map_err(|_| {
                    Error::sdk(
                        SdkCode::InvalidCoins,
                        format!("invalid amount {:?} of {}", c.amount, c.denom),
                    )
                })?;
                Ok(Coin::new(amount, c.denom.clone()))
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Self::from_canonical(parsed)
    }

    /// The protobuf form (`repeated cosmos.base.v1beta1.Coin`).
    pub fn to_proto(&self) -> Vec<ProtoCoin> {
        self.0
            .iter()
            .map(|c| ProtoCoin {
                denom: c.denom.clone(),
                amount: c.amount.to_string(),
            })
            .collect()
    }

    /// The amount of `denom` (0 if absent).
    pub fn amount_of(&self, denom: &str) -> u128 {
        self.0
            .binary_search_by(|c| c.denom.as_str().cmp(denom))
            .map_or(0, |i| self.0[i].amount)
    }

    /// Whether there are no coins.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The coins, sorted by denom.
    pub fn iter(&self) -> std::slice::Iter<'_, Coin> {
        self.0.iter()
    }

    /// The coins as a vector.
    pub fn into_vec(self) -> Vec<Coin> {
        self.0
    }

    /// `self + other`; errors on overflow.
    pub fn checked_add(&self, other: &Coins) -> Result<Coins, Error> {
        let mut out = self.0.clone();
        for c in &other.0 {
            match out.binary_search_by(|x| x.denom.cmp(&c.denom)) {
                Ok(i) => {
                    out[i].amount = out[i].amount.checked_add(c.amount).ok_or_else(|| {
                        Error::sdk(SdkCode::InvalidCoins, format!("adding {c} overflows"))
                    })?
                }
                Err(i) => out.insert(i, c.clone()),
            }
        }
        Ok(Coins(out))
    }

    /// `self - other`; errors with [`SdkCode::InsufficientFunds`] if any amount would go negative.
    pub fn checked_sub(&self, other: &Coins) -> Result<Coins, Error> {
        let mut out = self.0.clone();
        for c in &other.0 {
            let have = self.amount_of(&c.denom);
            if have < c.amount {
                return Err(Error::sdk(
                    SdkCode::InsufficientFunds,
                    format!("{self} is smaller than {other}"),
                ));
            }
            let i = out
                .binary_search_by(|x| x.denom.cmp(&c.denom))
                .expect("present when have >= amount > 0");
            out[i].amount -= c.amount;
        }
        out.retain(|c| c.amount > 0);
        Ok(Coins(out))
    }

    /// Whether every coin of `other` is covered by `self`.
    pub fn is_all_gte(&self, other: &Coins) -> bool {
        other.0.iter().all(|c| self.amount_of(&c.denom) >= c.amount)
    }
}

impl fmt::Display for Coins {
    /// `100uagr,5ufoo`; the empty set prints as the empty string, as the SDK's `Coins.String()` does.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(Coin::to_string).collect();
        f.write_str(&parts.join(","))
    }
}

impl FromStr for Coins {
    type Err = Error;
    /// Parses `100uagr,5ufoo` (any order; empty string = no coins).
    fn from_str(s: &str) -> Result<Self, Error> {
        if s.trim().is_empty() {
            return Ok(Coins::empty());
        }
        Coins::new(s.split(',').map(str::parse).collect::<Result<_, _>>()?)
    }
}

impl<'de> serde::Deserialize<'de> for Coins {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let coins = Vec::<Coin>::deserialize(d)?;
        Coins::new(coins).map_err(serde::de::Error::custom)
    }
}

impl From<Coin> for Coins {
    fn from(c: Coin) -> Self {
        Coins::new(vec![c]).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_sort_and_display() {
        let c: Coins = "5ufoo,100uagr".parse().unwrap();
        assert_eq!(c.to_string(), "100uagr,5ufoo");
        assert_eq!(c.amount_of("ufoo"), 5);
        assert!("5ufoo,6ufoo".parse::<Coins>().is_err());
        assert!("abc".parse::<Coins>().is_err());
        assert!("10u".parse::<Coins>().is_err(), "denom too short");
    }

    #[test]
    fn arithmetic_checks_overflow_and_underflow() {
        let a: Coins = "100uagr".parse().unwrap();
        let b: Coins = "30uagr,1ufoo".parse().unwrap();
        assert_eq!(a.checked_add(&b).unwrap().to_string(), "130uagr,1ufoo");
        let err = a.checked_sub(&b).unwrap_err();
        assert!(err.is(SdkCode::InsufficientFunds));
        assert_eq!(
            a.checked_sub(&"100uagr".parse().unwrap()).unwrap(),
            Coins::empty()
        );
        let max = Coins::from(Coin::new(u128::MAX, "uagr"));
        assert!(max.checked_add(&a).is_err());
    }

    #[test]
    fn canonical_form_is_enforced_for_messages() {
        assert!(Coins::from_canonical(vec![Coin::new(1, "ub"), Coin::new(1, "ua")]).is_err());
        assert!(Coins::from_canonical(vec![Coin::new(0, "ua")]).is_err());
        assert!(Coins::from_canonical(vec![Coin::new(1, "uaa"), Coin::new(2, "ubb")]).is_ok());
    }

    #[test]
    fn json_shape_is_the_sdks() {
        let c: Coins = "7uagr".parse().unwrap();
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"[{"denom":"uagr","amount":"7"}]"#
        );
        let back: Coins = serde_json::from_str(r#"[{"denom":"uagr","amount":"7"}]"#).unwrap();
        assert_eq!(back, c);
        assert!(serde_json::from_str::<Coins>(r#"[{"denom":"uagr","amount":"-7"}]"#).is_err());
    }
}
