//! Denom metadata (display units, name, symbol), in the SDK's JSON and protobuf shapes.

use std::collections::BTreeSet;

use agora_core::{validate_denom, Error, Result, SdkCode};
use agora_proto::cosmos::bank::v1beta1 as pb;
use serde::{Deserialize, Serialize};

/// How a denom is shown: its units from the base (exponent 0) up, and which one to display.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Metadata {
    /// Free text.
    pub description: String,
    /// Units in ascending exponent order, the base unit first.
    pub denom_units: Vec<DenomUnit>,
    /// The base denom (the one balances are kept in).
    pub base: String,
    /// The unit clients should display.
    pub display: String,
    /// The token's name.
    pub name: String,
    /// The token's ticker symbol.
    pub symbol: String,
    /// A URI to a document with more information.
    pub uri: String,
    /// SHA-256 of the document at `uri`.
    pub uri_hash: String,
}

/// One unit of a denom: `1 denom = 10^exponent base`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DenomUnit {
    /// The unit's denom.
    pub denom: String,
    /// Power of ten of the base this unit is worth.
    pub exponent: u32,
    /// Other names of the unit.
    pub aliases: Vec<String>,
}

fn invalid(detail: impl std::fmt::Display) -> Error {
    Error::sdk(SdkCode::InvalidRequest, detail)
}

impl Metadata {
    /// The SDK's `Metadata.Validate`: name and symbol set, base and display valid denoms, the base
    /// unit first with exponent 0, exponents ascending, units unique, display among them.
    pub fn validate(&self) -> Result<()> {
        if self.name.trim().is_empty() {
            return Err(invalid("name field cannot be blank"));
        }
        if self.symbol.trim().is_empty() {
            return Err(invalid("symbol field cannot be blank"));
        }
        validate_denom(&self.base).map_err(crate::errors::at("invalid metadata base denom"))?;
        validate_denom(&self.display)
            .map_err(crate::errors::at("invalid metadata display denom"))?;
        let mut seen = BTreeSet::new();
        for (i, unit) in self.denom_units.iter().enumerate() {
            if i == 0 && (unit.denom != self.base || unit.exponent != 0) {
                return Err(invalid(format!(
                    "metadata's first denomination unit must be the base denom {:?} with exponent 0",
                    self.base
                )));
            }
            if i > 0 && self.denom_units[i - 1].exponent >= unit.exponent {
                return Err(invalid(
                    "the denomination units must be sorted in ascending order of exponent",
                ));
            }
            validate_denom(&unit.denom).map_err(crate::errors::at(format!("denom_units[{i}]")))?;
            for name in std::iter::once(&unit.denom).chain(&unit.aliases) {
                if !seen.insert(name.as_str()) {
                    return Err(invalid(format!(
                        "duplicate denomination unit or alias {name}"
                    )));
                }
            }
        }
        if !self.denom_units.iter().any(|u| u.denom == self.display) {
            return Err(invalid(format!(
                "metadata must contain a denomination unit with display denom {:?}",
                self.display
            )));
        }
        Ok(())
    }

    /// The protobuf `cosmos.bank.v1beta1.Metadata`.
    pub fn to_proto(&self) -> pb::Metadata {
        pb::Metadata {
            description: self.description.clone(),
            denom_units: self
                .denom_units
                .iter()
                .map(|u| pb::DenomUnit {
                    denom: u.denom.clone(),
                    exponent: u.exponent,
                    aliases: u.aliases.clone(),
                })
                .collect(),
            base: self.base.clone(),
            display: self.display.clone(),
            name: self.name.clone(),
            symbol: self.symbol.clone(),
            uri: self.uri.clone(),
            uri_hash: self.uri_hash.clone(),
        }
    }
}
