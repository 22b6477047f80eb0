//! Slashing params, SDK v0.50 defaults, validated; JSON as the SDK writes it.

use agora_core::{Dec, Error, Result, SdkCode};
use agora_proto::cosmos::slashing::v1beta1 as pb;
use agora_proto::tendermint::google::protobuf::Duration;
use serde::{Deserialize, Serialize};

/// Slashing params.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    /// How many recent blocks liveness is judged over.
    #[serde(with = "agora_core::u64_string")]
    pub signed_blocks_window: u64,
    /// The share of the window a validator must sign.
    pub min_signed_per_window: Dec,
    /// How long a validator jailed for downtime stays jailed, in whole seconds (`"600s"`).
    #[serde(with = "agora_core::seconds_string")]
    pub downtime_jail_duration: u64,
    /// The share of stake burned for a double sign.
    pub slash_fraction_double_sign: Dec,
    /// The share of stake burned for downtime.
    pub slash_fraction_downtime: Dec,
}

impl Default for Params {
    fn default() -> Self {
        let percent = |n| Dec::from_ratio(n, 100).expect("a percentage is a decimal");
        Self {
            signed_blocks_window: 100,
            min_signed_per_window: percent(50),
            downtime_jail_duration: 600,
            slash_fraction_double_sign: percent(5),
            slash_fraction_downtime: percent(1),
        }
    }
}

impl Params {
    /// The SDK's `Params.Validate`; errors name the field.
    pub fn validate(&self) -> Result<()> {
        let invalid = |detail: &str| Error::sdk(SdkCode::InvalidRequest, detail);
        if self.signed_blocks_window == 0 {
            return Err(invalid("signed_blocks_window: must be positive"));
        }
        if i64::try_from(self.signed_blocks_window).is_err() {
            return Err(invalid("signed_blocks_window: too large"));
        }
        if self.min_signed_per_window > Dec::one() {
            return Err(invalid(
                "min_signed_per_window: cannot be greater than 100%",
            ));
        }
        if self.downtime_jail_duration == 0 {
            return Err(invalid("downtime_jail_duration: must be positive"));
        }
        if self.slash_fraction_double_sign > Dec::one() {
            return Err(invalid(
                "slash_fraction_double_sign: cannot be greater than 100%",
            ));
        }
        if self.slash_fraction_downtime > Dec::one() {
            return Err(invalid(
                "slash_fraction_downtime: cannot be greater than 100%",
            ));
        }
        Ok(())
    }

    /// The most blocks of the window a validator may miss (the SDK's
    /// `window - MinSignedPerWindow`, the minimum rounded half to even).
    pub fn max_missed(&self) -> Result<u64> {
        let window = Dec::from_int(u128::from(self.signed_blocks_window))?;
        // An integer times a decimal is exact, so truncating multiplication loses nothing.
        let min_signed = self.min_signed_per_window.checked_mul(window)?;
        let rounded = round_half_even(min_signed)?;
        Ok(self.signed_blocks_window.saturating_sub(rounded))
    }

    /// The params as the protobuf `cosmos.slashing.v1beta1.Params` (decimals as the SDK's
    /// `LegacyDec` bytes: the atomics' decimal digits).
    pub fn to_proto(&self) -> pb::Params {
        pb::Params {
            signed_blocks_window: self.signed_blocks_window as i64,
            min_signed_per_window: self.min_signed_per_window.to_atomics_string().into_bytes(),
            downtime_jail_duration: Some(Duration {
                seconds: self.downtime_jail_duration as i64,
                nanos: 0,
            }),
            slash_fraction_double_sign: self
                .slash_fraction_double_sign
                .to_atomics_string()
                .into_bytes(),
            slash_fraction_downtime: self
                .slash_fraction_downtime
                .to_atomics_string()
                .into_bytes(),
        }
    }

    /// The params of a protobuf `Params` (not yet validated).
    pub fn from_proto(p: &pb::Params) -> Result<Self> {
        let invalid = |detail: &str| Error::sdk(SdkCode::InvalidRequest, detail);
        let dec = |field: &str, bytes: &[u8]| {
            let s = std::str::from_utf8(bytes).map_err(|_| invalid(field))?;
            Dec::from_atomics_str(s).map_err(|e| invalid(&format!("{field}: {}", e.msg)))
        };
        let jail = p.downtime_jail_duration.unwrap_or_default();
        if jail.nanos != 0 || jail.seconds < 0 {
            return Err(invalid(
                "downtime_jail_duration: must be a whole number of seconds",
            ));
        }
        let window = u64::try_from(p.signed_blocks_window)
            .map_err(|_| invalid("signed_blocks_window: must be positive"))?;
        Ok(Self {
            signed_blocks_window: window,
            min_signed_per_window: dec("min_signed_per_window", &p.min_signed_per_window)?,
            downtime_jail_duration: jail.seconds as u64,
            slash_fraction_double_sign: dec(
                "slash_fraction_double_sign",
                &p.slash_fraction_double_sign,
            )?,
            slash_fraction_downtime: dec("slash_fraction_downtime", &p.slash_fraction_downtime)?,
        })
    }
}

/// A decimal rounded half to even to an integer (the SDK's `RoundInt64`).
fn round_half_even(d: Dec) -> Result<u64> {
    let whole = d.truncate()?;
    let rest = d.checked_sub(Dec::from_int(whole)?)?;
    let half = Dec::from_ratio(1, 2)?;
    let up = rest > half || (rest == half && whole % 2 == 1);
    let n = whole + u128::from(up);
    u64::try_from(n).map_err(|_| Error::internal("rounded window share overflows"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_allow_half_the_window_missed() {
        let params = Params::default();
        params.validate().unwrap();
        assert_eq!(params.max_missed().unwrap(), 50);
        let json = serde_json::to_value(&params).unwrap();
        assert_eq!(json["downtime_jail_duration"], "600s");
        assert_eq!(json["signed_blocks_window"], "100");
        assert_eq!(json["min_signed_per_window"], "0.500000000000000000");
        assert_eq!(Params::from_proto(&params.to_proto()).unwrap(), params);
    }

    #[test]
    fn the_minimum_signed_is_rounded_half_to_even() {
        // 0.05 of 10 blocks is 0.5, rounded to 0: all 10 may be missed; 0.15 is 1.5 -> 2.
        let mut params = Params {
            signed_blocks_window: 10,
            min_signed_per_window: "0.05".parse().unwrap(),
            ..Params::default()
        };
        assert_eq!(params.max_missed().unwrap(), 10);
        params.min_signed_per_window = "0.15".parse().unwrap();
        assert_eq!(params.max_missed().unwrap(), 8);
        params.min_signed_per_window = "1.5".parse().unwrap();
        assert!(params.validate().is_err());
    }
}
