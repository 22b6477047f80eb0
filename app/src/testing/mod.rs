//! Building real signed txs and ABCI requests: for tests, benchmarks and load generators.

use agora_core::Address;
use agora_proto::cosmos::bank::v1beta1::MsgSend;
use agora_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use agora_proto::cosmos::crypto::secp256k1::PubKey;
use agora_proto::cosmos::tx::signing::v1beta1::SignMode;
use agora_proto::cosmos::tx::v1beta1::{
    mode_info, AuthInfo, Fee, ModeInfo, SignDoc, SignerInfo, TxBody, TxRaw,
};
use agora_proto::Any;
use cosmrs::crypto::secp256k1::SigningKey;
use prost::Message;
use sha2::{Digest, Sha256};
use tendermint_proto::google::protobuf::Timestamp;
use tendermint_proto::v0_38::abci::{RequestFinalizeBlock, RequestInitChain};

use crate::sigverify::pubkey_address;

mod consensus;
mod staking;

use crate::tx::SECP256K1_PUBKEY_URL;
pub use consensus::{consensus_address, ValidatorSets};
pub use staking::{create_validator, delegate, redelegate, undelegate, unjail, withdraw_rewards};

/// A secp256k1 key with its account address.
pub struct TestKey {
    key: SigningKey,
    /// Compressed public key.
    pub pub_key: Vec<u8>,
    /// The account address of the key.
    pub address: Address,
}

impl TestKey {
    /// A key derived from `seed` (the same seed gives the same key on every run).
    pub fn from_seed(seed: u64) -> Self {
        let secret = Sha256::digest(format!("agora test key {seed}"));
        let key =
            SigningKey::from_slice(&secret).expect("a SHA-256 digest is a valid secp256k1 secret");
        let pub_key = key.public_key().to_bytes();
        let address = Address::from_bytes(pubkey_address(&pub_key)).expect("20 bytes");
        Self {
            key,
            pub_key,
            address,
        }
    }

    /// Signs `bytes` (SHA-256 then ECDSA, low-S), returning the 64-byte signature.
    pub fn sign(&self, bytes: &[u8]) -> Vec<u8> {
        self.key
            .sign(bytes)
            .expect("signing cannot fail")
            .to_bytes()
            .to_vec()
    }
}

/// One signer of a tx: its key and the account number and sequence it signs with.
pub struct Signer<'a> {
    /// The key.
    pub key: &'a TestKey,
    /// The account number in state.
    pub account_number: u64,
    /// The sequence to sign.
    pub sequence: u64,
}

/// Everything that goes into a tx.
pub struct TxSpec<'a> {
    /// The chain id to sign for.
    pub chain_id: &'a str,
    /// The messages.
    pub msgs: Vec<Any>,
    /// The signers, in the order the messages need them.
    pub signers: Vec<Signer<'a>>,
    /// The fee, e.g. `[("uagr", 5000)]`.
    pub fee: Vec<(&'a str, u128)>,
    /// The gas limit.
    pub gas_limit: u64,
    /// The memo.
    pub memo: String,
    /// Block height after which the tx is invalid (0 = none).
    pub timeout_height: u64,
}

impl<'a> TxSpec<'a> {
    /// A tx of `msgs` signed by one signer, with 200,000 gas and no fee.
    pub fn new(chain_id: &'a str, msgs: Vec<Any>, signer: Signer<'a>) -> Self {
        Self {
            chain_id,
            msgs,
            signers: vec![signer],
            fee: vec![],
            gas_limit: 200_000,
            memo: String::new(),
            timeout_height: 0,
        }
    }

    /// Encodes and signs the tx (SIGN_MODE_DIRECT), returning `TxRaw` bytes.
    pub fn sign(&self) -> Vec<u8> {
        self.sign_parts(
            self.body().encode_to_vec(),
            self.auth_info().encode_to_vec(),
        )
    }

    /// Encodes and signs the tx with every signer in `mode`: SIGN_MODE_DIRECT as
    /// [`TxSpec::sign`], or SIGN_MODE_LEGACY_AMINO_JSON over the amino sign doc (each signer's
    /// account number and sequence, the fee, memo, timeout height and messages).
    pub fn sign_with(&self, mode: SignMode) -> Vec<u8> {
        let body = self.body();
        let auth_info = self.auth_info_with(mode);
        if mode != SignMode::LegacyAminoJson {
            return self.sign_parts(body.encode_to_vec(), auth_info.encode_to_vec());
        }
        let fee = auth_info.fee.clone().unwrap_or_default();
        let signatures = self
            .signers
            .iter()
            .map(|s| {
                let signer = crate::aminojson::SignerData {
                    chain_id: self.chain_id,
                    account_number: s.account_number,
                    sequence: s.sequence,
                };
                let doc = crate::aminojson::sign_bytes(&body, &fee, &signer)
                    .expect("the messages have an amino JSON encoding");
                s.key.sign(&doc)
            })
            .collect();
        TxRaw {
            body_bytes: body.encode_to_vec(),
            auth_info_bytes: auth_info.encode_to_vec(),
            signatures,
        }
        .encode_to_vec()
    }

    /// The tx body: messages, memo, timeout height.
    pub fn body(&self) -> TxBody {
        TxBody {
            messages: self.msgs.clone(),
            memo: self.memo.clone(),
            timeout_height: self.timeout_height,
            ..Default::default()
        }
    }

    /// The auth info: a SIGN_MODE_DIRECT signer info per signer, with its public key; the fee.
    pub fn auth_info(&self) -> AuthInfo {
        self.auth_info_with(SignMode::Direct)
    }

    /// [`TxSpec::auth_info`] with every signer declaring `mode`.
    pub fn auth_info_with(&self, mode: SignMode) -> AuthInfo {
        let signer_infos = self
            .signers
            .iter()
            .map(|s| SignerInfo {
                public_key: Some(Any {
                    type_url: SECP256K1_PUBKEY_URL.into(),
                    value: PubKey {
                        key: s.key.pub_key.clone(),
                    }
                    .encode_to_vec(),
                }),
                mode_info: Some(ModeInfo {
                    sum: Some(mode_info::Sum::Single(mode_info::Single {
                        mode: mode as i32,
                    })),
                }),
                sequence: s.sequence,
            })
            .collect();
        let fee = Fee {
            amount: self
                .fee
                .iter()
                .map(|(d, a)| ProtoCoin {
                    denom: d.to_string(),
                    amount: a.to_string(),
                })
                .collect(),
            gas_limit: self.gas_limit,
            ..Default::default()
        };
        #[allow(deprecated)]
        AuthInfo {
            signer_infos,
            fee: Some(fee),
            tip: None,
        }
    }

    /// Signs `body_bytes` and `auth_info_bytes` as given (an edited [`TxSpec::body`] or
    /// [`TxSpec::auth_info`], or bytes they cannot express) with each signer, returning `TxRaw`
    /// bytes.
    pub fn sign_parts(&self, body_bytes: Vec<u8>, auth_info_bytes: Vec<u8>) -> Vec<u8> {
        let signatures = self
            .signers
            .iter()
            .map(|s| {
                let doc = SignDoc {
                    body_bytes: body_bytes.clone(),
                    auth_info_bytes: auth_info_bytes.clone(),
                    chain_id: self.chain_id.to_string(),
                    account_number: s.account_number,
                };
                s.key.sign(&doc.encode_to_vec())
            })
            .collect();
        TxRaw {
            body_bytes,
            auth_info_bytes,
            signatures,
        }
        .encode_to_vec()
    }
}

/// A `/cosmos.bank.v1beta1.MsgSend` of `amount` uagr.
pub fn bank_send(from: &Address, to: &Address, amount: u128) -> Any {
    Any {
        type_url: "/cosmos.bank.v1beta1.MsgSend".into(),
        value: MsgSend {
            from_address: from.to_string(),
            to_address: to.to_string(),
            amount: vec![ProtoCoin {
                denom: agora_core::BOND_DENOM.into(),
                amount: amount.to_string(),
            }],
        }
        .encode_to_vec(),
    }
}

/// Genesis `app_state` giving each key an account (numbered in order) holding `balance` uagr,
/// on a chain without inflation, so balances move only by the txs a test sends.
pub fn funded_app_state(keys: &[TestKey], balance: u128) -> serde_json::Value {
    let accounts: Vec<_> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            serde_json::json!({
                "@type": "/cosmos.auth.v1beta1.BaseAccount",
                "address": k.address.to_string(),
                "pub_key": null,
                "account_number": i.to_string(),
                "sequence": "0"
            })
        })
        .collect();
    let balances: Vec<_> = keys
        .iter()
        .map(|k| serde_json::json!({"address": k.address.to_string(), "coins": [{"denom": "uagr", "amount": balance.to_string()}]}))
        .collect();
    serde_json::json!({
        "auth": {"params": agora_auth_params(), "accounts": accounts},
        "bank": {"params": {"send_enabled": [], "default_send_enabled": true}, "balances": balances, "supply": [], "denom_metadata": [], "send_enabled": []},
        "mint": no_inflation()
    })
}

/// Mint genesis with inflation fixed at zero.
pub fn no_inflation() -> serde_json::Value {
    let zero = agora_core::Dec::zero().to_string();
    serde_json::json!({
        "minter": {"inflation": zero, "annual_provisions": zero},
        "params": {
            "mint_denom": "uagr", "inflation_rate_change": zero, "inflation_max": zero,
            "inflation_min": zero, "goal_bonded": "0.670000000000000000", "blocks_per_year": "6311520"
        }
    })
}

fn agora_auth_params() -> serde_json::Value {
    serde_json::json!({
        "max_memo_characters": "256", "tx_sig_limit": "7", "tx_size_cost_per_byte": "10",
        "sig_verify_cost_ed25519": "590", "sig_verify_cost_secp256k1": "1000"
    })
}

/// An InitChain request for `chain_id` with `app_state`.
pub fn init_chain_request(chain_id: &str, app_state: &serde_json::Value) -> RequestInitChain {
    RequestInitChain {
        time: Some(block_time(0)),
        chain_id: chain_id.into(),
        app_state_bytes: serde_json::to_vec(app_state).expect("JSON").into(),
        initial_height: 1,
        ..Default::default()
    }
}

/// A FinalizeBlock request for `height` carrying `txs`, with a block time derived from the height.
pub fn finalize_request(height: u64, txs: Vec<Vec<u8>>) -> RequestFinalizeBlock {
    RequestFinalizeBlock {
        txs: txs.into_iter().map(Into::into).collect(),
        height: height as i64,
        time: Some(block_time(height)),
        ..Default::default()
    }
}

/// Block time of `height`: genesis at 2026-01-01T00:00:00Z plus one second a block.
pub fn block_time(height: u64) -> Timestamp {
    Timestamp {
        seconds: 1_767_225_600 + height as i64,
        nanos: 0,
    }
}
