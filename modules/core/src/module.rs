//! The Module trait: what every module gives the application to wire it in.

use agora_proto::Any;

use crate::{Context, DecodedMsg, Error, ValidatorUpdate};

/// A module: its genesis, its block hooks, the Msgs it handles (by type URL) and the queries it
/// serves (by gRPC method path). The application routes to modules only through this trait;
/// the module's state is reached only through its keeper, which holds the module's
/// [`crate::StoreKey`].
pub trait Module: Send + Sync {
    /// The module's name: its store, codespace and genesis key.
    fn name(&self) -> &'static str;

    /// The module's default genesis state (`app_state.<name>`).
    fn default_genesis(&self) -> serde_json::Value;

    /// Checks a genesis state without touching state; errors name the bad field.
    fn validate_genesis(&self, genesis: &serde_json::Value) -> Result<(), Error>;

    /// Writes the genesis state into the store; returns the genesis validator set if this
    /// module decides it (staking, or genutil delivering gentxs), else nothing.
    fn init_genesis(
        &self,
        ctx: &mut Context,
        genesis: &serde_json::Value,
    ) -> Result<Vec<ValidatorUpdate>, Error>;

    /// Reads the module's whole state back as a genesis state.
    fn export_genesis(&self, ctx: &mut Context) -> Result<serde_json::Value, Error>;

    /// Runs at the start of each block, in the app's BeginBlock order.
    fn begin_block(&self, _ctx: &mut Context) -> Result<(), Error> {
        Ok(())
    }

    /// Runs at the end of each block, in the app's EndBlock order; returns validator power
    /// changes (staking only), which take effect two blocks later.
    fn end_block(&self, _ctx: &mut Context) -> Result<Vec<ValidatorUpdate>, Error> {
        Ok(Vec::new())
    }

    /// Type URLs of the Msgs this module handles.
    fn msg_type_urls(&self) -> &'static [&'static str] {
        &[]
    }

    /// Decodes a Msg of one of [`Module::msg_type_urls`], checks it without state (the SDK's
    /// `ValidateBasic`) and names its signers.
    fn decode_msg(&self, msg: &Any) -> Result<DecodedMsg, Error> {
        Err(Error::sdk(
            crate::SdkCode::UnknownRequest,
            format!("module {} handles no message {}", self.name(), msg.type_url),
        ))
    }

    /// Executes a Msg this module decoded; returns the encoded `*Response` message.
    fn handle_msg(&self, _ctx: &mut Context, msg: &DecodedMsg) -> Result<Vec<u8>, Error> {
        Err(Error::sdk(
            crate::SdkCode::UnknownRequest,
            format!(
                "module {} handles no message {}",
                self.name(),
                msg.type_url()
            ),
        ))
    }

    /// The version of the module's state layout (the SDK's `ConsensusVersion`): the upgrade
    /// module stores it per module, and an upgrade handler migrates each module from the
    /// version in state to this one.
    fn consensus_version(&self) -> u64 {
        1
    }

    /// Migrates the module's state from `from_version` to `from_version + 1` (the SDK's
    /// registered migrations); an error for a module that has none from that version.
    fn migrate(&self, _ctx: &mut Context, from_version: u64) -> Result<(), Error> {
        Err(Error::internal(format!(
            "module {} has no migration from version {from_version}",
            self.name()
        )))
    }

    /// gRPC method paths this module answers, e.g. `/cosmos.bank.v1beta1.Query/Balance`.
    fn query_paths(&self) -> &'static [&'static str] {
        &[]
    }

    /// Answers a query with the encoded response; `data` is the encoded request.
    fn query(&self, _ctx: &mut Context, path: &str, _data: &[u8]) -> Result<Vec<u8>, Error> {
        Err(Error::sdk(
            crate::SdkCode::UnknownRequest,
            format!("unknown query path {path}"),
        ))
    }
}

/// Each module's consensus version by module name (the SDK's `module.VersionMap`).
pub type VersionMap = std::collections::BTreeMap<String, u64>;

/// Decodes a Msg carried in an `Any`, checking its type URL.
pub fn decode_any<M: prost::Message + Default>(any: &Any, type_url: &str) -> Result<M, Error> {
    if any.type_url != type_url {
        return Err(Error::sdk(
            crate::SdkCode::InvalidType,
            format!("expected {type_url}, got {}", any.type_url),
        ));
    }
    M::decode(any.value.as_slice()).map_err(|e| {
        Error::sdk(
            crate::SdkCode::TxDecode,
            format!("cannot decode {type_url}: {e}"),
        )
    })
}

/// Decodes a query request, naming the path in the error.
pub fn decode_request<M: prost::Message + Default>(path: &str, data: &[u8]) -> Result<M, Error> {
    M::decode(data).map_err(|e| {
        Error::sdk(
            crate::SdkCode::InvalidRequest,
            format!("cannot decode request for {path}: {e}"),
        )
    })
}

/// Reads a module's genesis JSON into its typed form; errors name the module and the JSON path
/// of the bad field, e.g. `app_state.bank.balances[0].coins[0].amount: ...`.
pub fn parse_genesis<G: serde::de::DeserializeOwned>(
    module: &str,
    genesis: &serde_json::Value,
) -> Result<G, Error> {
    serde_path_to_error::deserialize(genesis).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." {
            String::new()
        } else {
            format!(".{path}")
        };
        Error::sdk(
            crate::SdkCode::JsonUnmarshal,
            format!("app_state.{module}{field}: {}", e.into_inner()),
        )
    })
}

#[cfg(test)]
mod tests {
    #[derive(Debug, serde::Deserialize)]
    struct Genesis {
        balances: Vec<crate::Coin>,
    }

    #[test]
    fn genesis_errors_name_the_field() {
        let bad = serde_json::json!({"balances": [{"denom": "uagr", "amount": "1"}, {"denom": "uagr", "amount": "-5"}]});
        let good = serde_json::json!({"balances": [{"denom": "uagr", "amount": "1"}]});
        assert_eq!(
            super::parse_genesis::<Genesis>("bank", &good)
                .unwrap()
                .balances[0]
                .amount,
            1
        );
        let err = super::parse_genesis::<Genesis>("bank", &bad).unwrap_err();
        assert!(
            err.msg
                .starts_with("app_state.bank.balances[1].amount: amount \"-5\""),
            "{}",
            err.msg
        );
    }
}
