//! Mint params, SDK v0.50 defaults, validated as the SDK's `Params.Validate`; JSON as the SDK
//! writes it.

use agora_core::{validate_denom, Dec, Error, Result, SdkCode, BOND_DENOM};
use agora_proto::cosmos::mint::v1beta1 as pb;
use serde::{Deserialize, Serialize};

/// Mint params.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// The denom minted.
    pub mint_denom: String,
    /// The largest change of the inflation rate over a year.
    pub inflation_rate_change: Dec,
    /// The highest inflation rate.
    pub inflation_max: Dec,
    /// The lowest inflation rate.
    pub inflation_min: Dec,
    /// The share of the staking supply the inflation steers bonding toward.
    pub goal_bonded: Dec,
    /// Expected blocks per year (JSON string, as protobuf JSON writes a `uint64`).
    #[serde(with = "agora_core::u64_string")]
    pub blocks_per_year: u64,
}

impl Default for Params {
    /// The SDK's defaults, minting the bond denom: rate change 0.13, inflation 0.07 to 0.20,
    /// goal 0.67, a block every 5 s (6,311,520 a year).
    fn default() -> Self {
        let dec = |s: &str| s.parse().expect("a constant decimal");
        Self {
            mint_denom: BOND_DENOM.into(),
            inflation_rate_change: dec("0.13"),
            inflation_max: dec("0.20"),
            inflation_min: dec("0.07"),
            goal_bonded: dec("0.67"),
            blocks_per_year: 60 * 60 * 8766 / 5,
        }
    }
}

impl Params {
    /// The SDK's `Params.Validate` (errors start with the field): the denom is valid, the rates are at most 1, the goal is
    /// in (0, 1], a year has blocks and max >= min. Decimals cannot be negative here.
    pub fn validate(&self) -> Result<()> {
        let invalid = |detail: String| Error::sdk(SdkCode::InvalidRequest, detail);
        if self.mint_denom.trim().is_empty() {
            return Err(invalid("mint_denom: mint denom cannot be blank".into()));
        }
        validate_denom(&self.mint_denom).map_err(|e| invalid(format!("mint_denom: {}", e.msg)))?;
        let at_most_one = [
            (
                "inflation_rate_change",
                "inflation rate change",
                self.inflation_rate_change,
            ),
            ("inflation_max", "max inflation", self.inflation_max),
            ("inflation_min", "min inflation", self.inflation_min),
            ("goal_bonded", "goal bonded", self.goal_bonded),
        ];
        for (field, name, value) in at_most_one {
            if value > Dec::one() {
                return Err(invalid(format!("{field}: {name} too large: {value}")));
            }
        }
        if self.goal_bonded.is_zero() {
            return Err(invalid(format!(
                "goal_bonded: goal bonded must be positive: {}",
                self.goal_bonded
            )));
        }
        if self.blocks_per_year == 0 {
            return Err(invalid(
                "blocks_per_year: blocks per year must be positive: 0".into(),
            ));
        }
        if self.inflation_max < self.inflation_min {
            return Err(invalid(format!(
                "inflation_max: max inflation ({}) must be greater than or equal to min inflation ({})",
                self.inflation_max, self.inflation_min
            )));
        }
        Ok(())
    }

    /// The params as the protobuf `cosmos.mint.v1beta1.Params` (decimals as atomics strings).
    pub fn to_proto(&self) -> pb::Params {
        pb::Params {
            mint_denom: self.mint_denom.clone(),
            inflation_rate_change: self.inflation_rate_change.to_atomics_string(),
            inflation_max: self.inflation_max.to_atomics_string(),
            inflation_min: self.inflation_min.to_atomics_string(),
            goal_bonded: self.goal_bonded.to_atomics_string(),
            blocks_per_year: self.blocks_per_year,
        }
    }

    /// The params of a protobuf `Params` (not yet validated); errors on a malformed decimal.
    pub fn from_proto(p: &pb::Params) -> Result<Self> {
        Ok(Self {
            mint_denom: p.mint_denom.clone(),
            inflation_rate_change: Dec::from_atomics_str(&p.inflation_rate_change)?,
            inflation_max: Dec::from_atomics_str(&p.inflation_max)?,
            inflation_min: Dec::from_atomics_str(&p.inflation_min)?,
            goal_bonded: Dec::from_atomics_str(&p.goal_bonded)?,
            blocks_per_year: p.blocks_per_year,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejected(edit: impl FnOnce(&mut Params)) -> String {
        let mut p = Params::default();
        edit(&mut p);
        p.validate().unwrap_err().msg
    }

    #[test]
    fn defaults_pass_and_each_sdk_rule_is_enforced() {
        Params::default().validate().unwrap();
        let one = Dec::one();
        let over = one.checked_add("0.01".parse().unwrap()).unwrap();
        assert!(rejected(|p| p.mint_denom = " ".into()).contains("cannot be blank"));
        assert!(rejected(|p| p.mint_denom = "1x".into()).contains("mint_denom"));
        assert!(rejected(|p| p.inflation_rate_change = over).contains("rate change too large"));
        assert!(rejected(|p| p.inflation_max = over).contains("max inflation too large"));
        assert!(rejected(|p| p.inflation_min = over).contains("min inflation too large"));
        assert!(rejected(|p| p.goal_bonded = over).contains("goal bonded too large"));
        assert!(rejected(|p| p.goal_bonded = Dec::zero()).contains("must be positive"));
        assert!(rejected(|p| p.blocks_per_year = 0).contains("blocks_per_year"));
        assert!(rejected(|p| p.inflation_min = one).contains("greater than or equal"));
        let mut edge = Params::default();
        edge.goal_bonded = one;
        edge.inflation_min = edge.inflation_max;
        edge.validate().unwrap();
    }

    #[test]
    fn proto_form_round_trips() {
        let p = Params::default();
        let proto = p.to_proto();
        assert_eq!(proto.goal_bonded, "670000000000000000");
        assert_eq!(proto.blocks_per_year, 6_311_520);
        assert_eq!(Params::from_proto(&proto).unwrap(), p);
        let mut bad = proto;
        bad.inflation_max = "0.2".into();
        assert!(Params::from_proto(&bad).is_err());
    }
}
