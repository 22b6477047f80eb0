//! Gov params, SDK v0.50 defaults, validated; JSON as the SDK writes it (`app_state.gov.params`).

use agora_core::{Address, Coin, Coins, Dec, Error, Result, SdkCode};
use agora_proto::cosmos::gov::v1 as pb;
use agora_proto::tendermint::google::protobuf::Duration;
use serde::{Deserialize, Serialize};

/// The denom deposits default to.
const DEFAULT_DENOM: &str = "uagr";

/// Gov params (`cosmos.gov.v1.Params`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    /// The deposit that moves a proposal into its voting period.
    pub min_deposit: Coins,
    /// How long a proposal may wait for that deposit, whole seconds (`"172800s"`).
    #[serde(with = "agora_core::seconds_string")]
    pub max_deposit_period: u64,
    /// How long voting lasts, whole seconds.
    #[serde(with = "agora_core::seconds_string")]
    pub voting_period: u64,
    /// The share of bonded stake that must vote.
    pub quorum: Dec,
    /// The share of non-abstaining votes `yes` needs to pass.
    pub threshold: Dec,
    /// The share of votes `no_with_veto` needs to veto.
    pub veto_threshold: Dec,
    /// The share of `min_deposit` a proposal must carry when it is submitted.
    pub min_initial_deposit_ratio: Dec,
    /// The share of deposits burned (or sent to `proposal_cancel_dest`) when cancelled.
    pub proposal_cancel_ratio: Dec,
    /// Where cancelled deposits go; empty burns them.
    pub proposal_cancel_dest: String,
    /// How long an expedited proposal's voting lasts, whole seconds.
    #[serde(with = "agora_core::seconds_string")]
    pub expedited_voting_period: u64,
    /// The share of non-abstaining votes `yes` needs to pass an expedited proposal.
    pub expedited_threshold: Dec,
    /// The deposit that moves an expedited proposal into voting.
    pub expedited_min_deposit: Coins,
    /// Whether deposits are burned when quorum is not reached.
    pub burn_vote_quorum: bool,
    /// Whether deposits of proposals that never reached voting are burned.
    pub burn_proposal_deposit_prevote: bool,
    /// Whether deposits are burned on a veto.
    pub burn_vote_veto: bool,
    /// The share of `min_deposit` every single deposit must at least be.
    pub min_deposit_ratio: Dec,
}

fn ratio(s: &str) -> Dec {
    s.parse().expect("a constant ratio parses")
}

impl Default for Params {
    fn default() -> Self {
        let coins = |amount| Coins::new(vec![Coin::new(amount, DEFAULT_DENOM)]).expect("valid");
        Self {
            min_deposit: coins(10_000_000),
            max_deposit_period: 172_800,
            voting_period: 172_800,
            quorum: ratio("0.334"),
            threshold: ratio("0.5"),
            veto_threshold: ratio("0.334"),
            min_initial_deposit_ratio: Dec::zero(),
            proposal_cancel_ratio: ratio("0.5"),
            proposal_cancel_dest: String::new(),
            expedited_voting_period: 86_400,
            expedited_threshold: ratio("0.667"),
            expedited_min_deposit: coins(50_000_000),
            burn_vote_quorum: false,
            burn_proposal_deposit_prevote: false,
            burn_vote_veto: true,
            min_deposit_ratio: ratio("0.01"),
        }
    }
}

impl Params {
    /// The SDK's `Params.ValidateBasic`; errors name the field.
    pub fn validate(&self) -> Result<()> {
        let invalid = |detail: String| Err(Error::sdk(SdkCode::InvalidRequest, detail));
        let one = Dec::one();
        if self.min_deposit.is_empty() {
            return invalid("min_deposit: must be set and positive".into());
        }
        if self.expedited_min_deposit.is_empty() {
            return invalid("expedited_min_deposit: must be set and positive".into());
        }
        for coin in self.min_deposit.iter() {
            if self.expedited_min_deposit.amount_of(&coin.denom) <= coin.amount {
                return invalid(format!(
                    "expedited_min_deposit: must be greater than min_deposit ({} <= {})",
                    self.expedited_min_deposit, self.min_deposit
                ));
            }
        }
        if self.quorum > one {
            return invalid(format!("quorum: too large: {}", self.quorum));
        }
        for (name, value) in [
            ("threshold", self.threshold),
            ("veto_threshold", self.veto_threshold),
            ("expedited_threshold", self.expedited_threshold),
        ] {
            if value.is_zero() || value > one {
                return invalid(format!("{name}: must be positive and at most 1: {value}"));
            }
        }
        if self.expedited_threshold <= self.threshold {
            return invalid(format!(
                "expedited_threshold: must be greater than threshold ({} <= {})",
                self.expedited_threshold, self.threshold
            ));
        }
        for (name, value) in [
            ("max_deposit_period", self.max_deposit_period),
            ("voting_period", self.voting_period),
            ("expedited_voting_period", self.expedited_voting_period),
        ] {
            if value == 0 {
                return invalid(format!("{name}: must be positive"));
            }
        }
        if self.expedited_voting_period >= self.voting_period {
            return invalid(format!(
                "expedited_voting_period: must be shorter than voting_period ({}s >= {}s)",
                self.expedited_voting_period, self.voting_period
            ));
        }
        for (name, value) in [
            ("min_initial_deposit_ratio", self.min_initial_deposit_ratio),
            ("proposal_cancel_ratio", self.proposal_cancel_ratio),
            ("min_deposit_ratio", self.min_deposit_ratio),
        ] {
            if value > one {
                return invalid(format!("{name}: must be at most 1: {value}"));
            }
        }
        if !self.proposal_cancel_dest.is_empty() {
            Address::from_bech32(&self.proposal_cancel_dest).map_err(|e| {
                Error::sdk(
                    SdkCode::InvalidRequest,
                    format!("proposal_cancel_dest: {}", e.msg),
                )
            })?;
        }
        Ok(())
    }

    /// The deposit a proposal needs to start voting.
    pub fn min_deposit_for(&self, expedited: bool) -> &Coins {
        if expedited {
            &self.expedited_min_deposit
        } else {
            &self.min_deposit
        }
    }

    /// The voting period of a proposal, whole seconds.
    pub fn voting_period_for(&self, expedited: bool) -> u64 {
        if expedited {
            self.expedited_voting_period
        } else {
            self.voting_period
        }
    }

    /// The params as protobuf.
    pub fn to_proto(&self) -> pb::Params {
        let duration = |seconds: u64| {
            Some(Duration {
                seconds: seconds as i64,
                nanos: 0,
            })
        };
        pb::Params {
            min_deposit: self.min_deposit.to_proto(),
            max_deposit_period: duration(self.max_deposit_period),
            voting_period: duration(self.voting_period),
            quorum: self.quorum.to_string(),
            threshold: self.threshold.to_string(),
            veto_threshold: self.veto_threshold.to_string(),
            min_initial_deposit_ratio: self.min_initial_deposit_ratio.to_string(),
            proposal_cancel_ratio: self.proposal_cancel_ratio.to_string(),
            proposal_cancel_dest: self.proposal_cancel_dest.clone(),
            expedited_voting_period: duration(self.expedited_voting_period),
            expedited_threshold: self.expedited_threshold.to_string(),
            expedited_min_deposit: self.expedited_min_deposit.to_proto(),
            burn_vote_quorum: self.burn_vote_quorum,
            burn_proposal_deposit_prevote: self.burn_proposal_deposit_prevote,
            burn_vote_veto: self.burn_vote_veto,
            min_deposit_ratio: self.min_deposit_ratio.to_string(),
        }
    }

    /// The params of a protobuf `Params` (not yet validated).
    pub fn from_proto(p: &pb::Params) -> Result<Self> {
        let invalid = |detail: String| Error::sdk(SdkCode::InvalidRequest, detail);
        let dec = |field: &str, s: &str| {
            s.parse::<Dec>()
                .map_err(|e| invalid(format!("{field}: {}", e.msg)))
        };
        let seconds = |field: &str, d: &Option<Duration>| match d {
            Some(d) if d.nanos == 0 && d.seconds > 0 => Ok(d.seconds as u64),
            _ => Err(invalid(format!(
                "{field}: must be a positive whole number of seconds"
            ))),
        };
        let coins =
            |field: &str, c| Coins::from_msg(c).map_err(|e| invalid(format!("{field}: {}", e.msg)));
        Ok(Self {
            min_deposit: coins("min_deposit", &p.min_deposit)?,
            max_deposit_period: seconds("max_deposit_period", &p.max_deposit_period)?,
            voting_period: seconds("voting_period", &p.voting_period)?,
            quorum: dec("quorum", &p.quorum)?,
            threshold: dec("threshold", &p.threshold)?,
            veto_threshold: dec("veto_threshold", &p.veto_threshold)?,
            min_initial_deposit_ratio: dec(
                "min_initial_deposit_ratio",
                &p.min_initial_deposit_ratio,
            )?,
            proposal_cancel_ratio: dec("proposal_cancel_ratio", &p.proposal_cancel_ratio)?,
            proposal_cancel_dest: p.proposal_cancel_dest.clone(),
            expedited_voting_period: seconds(
                "expedited_voting_period",
                &p.expedited_voting_period,
            )?,
            expedited_threshold: dec("expedited_threshold", &p.expedited_threshold)?,
            expedited_min_deposit: coins("expedited_min_deposit", &p.expedited_min_deposit)?,
            burn_vote_quorum: p.burn_vote_quorum,
            burn_proposal_deposit_prevote: p.burn_proposal_deposit_prevote,
            burn_vote_veto: p.burn_vote_veto,
            min_deposit_ratio: dec("min_deposit_ratio", &p.min_deposit_ratio)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_sdks_and_valid() {
        let p = Params::default();
        p.validate().unwrap();
        assert_eq!(p.quorum.to_string(), "0.334000000000000000");
        assert_eq!(Params::from_proto(&p.to_proto()).unwrap(), p);
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["voting_period"], "172800s");
        assert_eq!(json["min_deposit"][0]["amount"], "10000000");
    }

    #[test]
    fn bad_params_name_their_field() {
        let check = |f: fn(&mut Params), field: &str| {
            let mut p = Params::default();
            f(&mut p);
            let err = p.validate().unwrap_err();
            assert!(err.msg.starts_with(field), "{}", err.msg);
        };
        check(|p| p.quorum = ratio("1.5"), "quorum");
        check(|p| p.threshold = Dec::zero(), "threshold");
        check(
            |p| p.expedited_threshold = ratio("0.4"),
            "expedited_threshold",
        );
        check(
            |p| p.expedited_voting_period = 172_800,
            "expedited_voting_period",
        );
        check(|p| p.voting_period = 0, "voting_period");
        check(
            |p| p.expedited_min_deposit = p.min_deposit.clone(),
            "expedited_min_deposit",
        );
        check(
            |p| p.proposal_cancel_dest = "agora1nope".into(),
            "proposal_cancel_dest",
        );
        check(|p| p.min_deposit = Coins::empty(), "min_deposit");
    }
}
