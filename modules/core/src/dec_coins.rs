//! Decimal coins (the SDK's `sdk.DecCoins`): reward and commission amounts with 18 places,
//! kept exact between blocks and paid out as whole coins.

use std::fmt;

use agora_proto::cosmos::base::v1beta1 as pb;

use crate::{Coin, Coins, Dec, Error, SdkCode};

/// An amount of one denom with 18 fractional digits. JSON: `{"denom":"uagr","amount":"1.5…"}`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DecCoin {
    /// The denom.
    pub denom: String,
    /// The amount.
    pub amount: Dec,
}

/// A set of decimal coins: sorted by denom, unique, no zero amounts.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct DecCoins(Vec<DecCoin>);

impl DecCoins {
    /// The empty set.
    pub fn empty() -> Self {
        Self(Vec::new())
    }

    /// Builds a set from coins in any order; errors on bad or duplicate denoms, drops zeros.
    pub fn new(mut coins: Vec<DecCoin>) -> Result<Self, Error> {
        for c in &coins {
            crate::validate_denom(&c.denom)?;
        }
        coins.retain(|c| !c.amount.is_zero());
        coins.sort_by(|a, b| a.denom.cmp(&b.denom));
        if let Some(w) = coins.windows(2).find(|w| w[0].denom == w[1].denom) {
            return Err(Error::sdk(
                SdkCode::InvalidCoins,
                format!("duplicate denomination {}", w[0].denom),
            ));
        }
        Ok(Self(coins))
    }

    /// The whole coins `coins` as decimal coins.
    pub fn from_coins(coins: &Coins) -> Result<Self, Error> {
        let coins = coins.iter().map(|c| {
            Dec::from_int(c.amount).map(|amount| DecCoin {
                denom: c.denom.clone(),
                amount,
            })
        });
        Ok(Self(coins.collect::<Result<_, _>>()?))
    }

    /// The amount of `denom` (0 if absent).
    pub fn amount_of(&self, denom: &str) -> Dec {
        self.0
            .binary_search_by(|c| c.denom.as_str().cmp(denom))
            .map_or(Dec::zero(), |i| self.0[i].amount)
    }

    /// Whether there are no coins.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The coins, sorted by denom.
    pub fn iter(&self) -> std::slice::Iter<'_, DecCoin> {
        self.0.iter()
    }

    /// `self + other`.
    pub fn checked_add(&self, other: &DecCoins) -> Result<DecCoins, Error> {
        let mut out = self.0.clone();
        for c in &other.0 {
            match out.binary_search_by(|x| x.denom.cmp(&c.denom)) {
                Ok(i) => out[i].amount = out[i].amount.checked_add(c.amount)?,
                Err(i) => out.insert(i, c.clone()),
            }
        }
        Ok(Self(out))
    }

    /// `self - other`; errors with [`SdkCode::InsufficientFunds`] if any amount would go
    /// negative (the SDK panics there: it is a broken invariant).
    pub fn checked_sub(&self, other: &DecCoins) -> Result<DecCoins, Error> {
        let mut out = self.0.clone();
        for c in &other.0 {
            let i = out.binary_search_by(|x| x.denom.cmp(&c.denom));
            let have = i.map_or(Dec::zero(), |i| out[i].amount);
            let left = have.checked_sub(c.amount).map_err(|_| {
                Error::sdk(
                    SdkCode::InsufficientFunds,
                    format!("{self} is smaller than {other}"),
                )
            })?;
            if let Ok(i) = i {
                out[i].amount = left;
            }
        }
        out.retain(|c| !c.amount.is_zero());
        Ok(Self(out))
    }

    /// Each amount times `d`, rounded (the SDK's `MulDec`).
    pub fn mul_dec(&self, d: Dec) -> Result<DecCoins, Error> {
        self.map_amounts(|a| a.mul_round(d))
    }

    /// Each amount times `d`, truncated (`MulDecTruncate`).
    pub fn mul_dec_truncate(&self, d: Dec) -> Result<DecCoins, Error> {
        self.map_amounts(|a| a.checked_mul(d))
    }

    /// Each amount divided by `d`, truncated (`QuoDecTruncate`); errors when `d` is zero.
    pub fn quo_dec_truncate(&self, d: Dec) -> Result<DecCoins, Error> {
        self.map_amounts(|a| a.checked_div(d))
    }

    fn map_amounts(&self, f: impl Fn(Dec) -> Result<Dec, Error>) -> Result<DecCoins, Error> {
        let mut out = Vec::with_capacity(self.0.len());
        for c in &self.0 {
            out.push(DecCoin {
                denom: c.denom.clone(),
                amount: f(c.amount)?,
            });
        }
        out.retain(|c| !c.amount.is_zero());
        Ok(Self(out))
    }

    /// The whole coins and the fractional change left over (`TruncateDecimal`).
    pub fn truncate_decimal(&self) -> Result<(Coins, DecCoins), Error> {
        let mut whole = Vec::new();
        let mut change = Vec::new();
        for c in &self.0 {
            let int = c.amount.truncate()?;
            whole.push(Coin::new(int, c.denom.clone()));
            change.push(DecCoin {
                denom: c.denom.clone(),
                amount: c.amount.checked_sub(Dec::from_int(int)?)?,
            });
        }
        Ok((Coins::new(whole)?, DecCoins::new(change)?))
    }

    /// The smaller amount of each denom both sets hold (`Intersect`).
    pub fn intersect(&self, other: &DecCoins) -> DecCoins {
        let both = self.0.iter().filter_map(|c| {
            let theirs = other.amount_of(&c.denom);
            let amount = c.amount.min(theirs);
            (!amount.is_zero()).then(|| DecCoin {
                denom: c.denom.clone(),
                amount,
            })
        });
        Self(both.collect())
    }

    /// Whether every coin of `other` is covered by `self`.
    pub fn is_all_gte(&self, other: &DecCoins) -> bool {
        other.0.iter().all(|c| self.amount_of(&c.denom) >= c.amount)
    }

    /// The protobuf form: amounts as integers scaled by 10^18, as the SDK encodes them.
    pub fn to_proto(&self) -> Vec<pb::DecCoin> {
        self.0
            .iter()
            .map(|c| pb::DecCoin {
                denom: c.denom.clone(),
                amount: c.amount.to_atomics_string(),
            })
            .collect()
    }

    /// Reads the protobuf form (see [`DecCoins::to_proto`]).
    pub fn from_proto(coins: &[pb::DecCoin]) -> Result<DecCoins, Error> {
        let coins = coins.iter().map(|c| {
            Dec::from_atomics_str(&c.amount).map(|amount| DecCoin {
                denom: c.denom.clone(),
                amount,
            })
        });
        Self::new(coins.collect::<Result<_, _>>()?)
    }
}

impl fmt::Display for DecCoins {
    /// `1.500000000000000000uagr,…`, as the SDK's `DecCoins.String()`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|c| format!("{}{}", c.amount, c.denom))
            .collect();
        f.write_str(&parts.join(","))
    }
}

impl<'de> serde::Deserialize<'de> for DecCoins {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let coins = Vec::<DecCoin>::deserialize(d)?;
        DecCoins::new(coins).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dc(s: &[(&str, &str)]) -> DecCoins {
        let coins = s.iter().map(|(amount, denom)| DecCoin {
            denom: denom.to_string(),
            amount: amount.parse().unwrap(),
        });
        DecCoins::new(coins.collect()).unwrap()
    }

    #[test]
    fn arithmetic_keeps_the_set_canonical() {
        let a = dc(&[("1.5", "uagr"), ("2", "uatom")]);
        let b = dc(&[("0.5", "uagr"), ("1", "ubtc")]);
        assert_eq!(
            a.checked_add(&b).unwrap(),
            dc(&[("2", "uagr"), ("2", "uatom"), ("1", "ubtc")])
        );
        assert_eq!(
            a.checked_sub(&dc(&[("1.5", "uagr")])).unwrap(),
            dc(&[("2", "uatom")])
        );
        let err = a.checked_sub(&b).unwrap_err();
        assert_eq!(err.code, SdkCode::InsufficientFunds as u32);
        assert_eq!(
            a.to_string(),
            "1.500000000000000000uagr,2.000000000000000000uatom"
        );
    }

    #[test]
    fn truncation_and_intersection() {
        let a = dc(&[("10.75", "uagr"), ("0.25", "uatom")]);
        let (whole, change) = a.truncate_decimal().unwrap();
        assert_eq!(whole.to_string(), "10uagr");
        assert_eq!(change, dc(&[("0.75", "uagr"), ("0.25", "uatom")]));
        let third: Dec = "0.333333333333333333".parse().unwrap();
        assert_eq!(
            dc(&[("3", "uagr")]).mul_dec_truncate(third).unwrap(),
            dc(&[("0.999999999999999999", "uagr")])
        );
        let three = Dec::from_int(3).unwrap();
        assert_eq!(
            dc(&[("1", "uagr")]).quo_dec_truncate(three).unwrap(),
            dc(&[("0.333333333333333333", "uagr")])
        );
        assert_eq!(a.intersect(&dc(&[("5", "uagr")])), dc(&[("5", "uagr")]));
    }

    #[test]
    fn wire_and_json_forms() {
        let a = dc(&[("1.5", "uagr")]);
        let proto = a.to_proto();
        assert_eq!(proto[0].amount, "1500000000000000000");
        assert_eq!(DecCoins::from_proto(&proto).unwrap(), a);
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(
            json,
            r#"[{"denom":"uagr","amount":"1.500000000000000000"}]"#
        );
        assert_eq!(serde_json::from_str::<DecCoins>(&json).unwrap(), a);
        assert!(serde_json::from_str::<DecCoins>(
            r#"[{"denom":"uagr","amount":"1"},{"denom":"uagr","amount":"2"}]"#
        )
        .is_err());
    }
}
