//! Decoding a `cosmos.tx.v1beta1.TxRaw` into what the ante handler and the router need, and
//! the bytes each signer signs: SIGN_MODE_DIRECT's `SignDoc` or SIGN_MODE_LEGACY_AMINO_JSON's
//! amino sign doc ([`crate::aminojson`]).

use agora_core::{Address, Coin, Error, Result, SdkCode};
use agora_proto::cosmos::tx::signing::v1beta1::SignMode;
use agora_proto::cosmos::tx::v1beta1::{mode_info, AuthInfo, Fee, SignDoc, TxBody, TxRaw};
use agora_proto::Any;
use prost::Message;
use sha2::{Digest, Sha256};

use crate::wire::{reject_unknown_fields, AUTH_INFO, SECP256K1_PUB_KEY, TX_BODY, TX_RAW};

/// A decoded tx. The body and auth-info bytes are kept as received, since signatures cover
/// those exact bytes, not a re-encoding.
#[derive(Debug, Clone)]
pub struct DecodedTx {
    /// SHA-256 of the tx bytes: the tx hash CometBFT and explorers show.
    pub hash: [u8; 32],
    /// Length of the tx bytes (for tx-size gas and block limits).
    pub len: usize,
    /// The body as signed.
    pub body_bytes: Vec<u8>,
    /// The auth info as signed.
    pub auth_info_bytes: Vec<u8>,
    /// Decoded body: messages, memo, timeout height.
    pub body: TxBody,
    /// The fee coins as sent, in order (the ante handler checks they are a valid coin set).
    pub fee: Vec<Coin>,
    /// The fee as sent: amino-JSON signers sign its exact strings.
    pub signed_fee: Fee,
    /// The gas limit the tx asks for.
    pub gas_limit: u64,
    /// An explicit fee payer, if set: it signs the tx too.
    pub fee_payer: Option<Address>,
    /// Per signer: its public key (if sent) and the sequence it signed.
    pub signers: Vec<SignerInfo>,
    /// One signature per signer.
    pub signatures: Vec<Vec<u8>>,
}

/// What one signer declares in `auth_info.signer_infos`.
#[derive(Debug, Clone)]
pub struct SignerInfo {
    /// Compressed secp256k1 public key, when the tx carries one.
    pub pub_key: Option<Vec<u8>>,
    /// The sequence the signer signed with.
    pub sequence: u64,
    /// The mode the signer signed with.
    pub mode: TxSignMode,
}

/// The sign modes a signer may declare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxSignMode {
    /// SIGN_MODE_DIRECT: the protobuf `SignDoc`.
    Direct,
    /// SIGN_MODE_LEGACY_AMINO_JSON: the amino JSON sign doc (Keplr, Ledger, cosmjs' amino signers).
    LegacyAminoJson,
    /// SIGN_MODE_UNSPECIFIED, which only Simulate accepts: clients such as cosmjs simulate
    /// unsigned txs with it.
    Unspecified,
}

/// Type URL of secp256k1 public keys.
pub const SECP256K1_PUBKEY_URL: &str = "/cosmos.crypto.secp256k1.PubKey";

fn decode_err(detail: impl std::fmt::Display) -> Error {
    Error::sdk(SdkCode::TxDecode, detail)
}

impl DecodedTx {
    /// Decodes and checks the tx's shape: protobuf structure without unknown fields (only
    /// non-critical ones in the body, ADR-020), `TxRaw` bytes in their one canonical encoding,
    /// single signers (SIGN_MODE_DIRECT or LEGACY_AMINO_JSON) with secp256k1 keys, integer fee amounts, no unknown
    /// critical extension options.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        reject_unknown_fields(bytes, &TX_RAW, false)?;
        let raw = TxRaw::decode(bytes).map_err(|e| decode_err(format!("cannot decode tx: {e}")))?;
        if raw.encoded_len() != bytes.len() || raw.encode_to_vec() != bytes {
            return Err(decode_err(
                "tx bytes are not the canonical encoding of their TxRaw (fields out of order, \
                 repeated or empty, or non-minimal varints): a tx must have one hash",
            ));
        }
        reject_unknown_fields(&raw.body_bytes, &TX_BODY, true)?;
        let body = TxBody::decode(raw.body_bytes.as_slice())
            .map_err(|e| decode_err(format!("cannot decode tx body: {e}")))?;
        reject_unknown_fields(&raw.auth_info_bytes, &AUTH_INFO, false)?;
        let auth = AuthInfo::decode(raw.auth_info_bytes.as_slice())
            .map_err(|e| decode_err(format!("cannot decode auth info: {e}")))?;
        if !body.extension_options.is_empty() {
            return Err(Error::sdk(
                SdkCode::UnknownExtensionOptions,
                "no extension options are supported",
            ));
        }
        if body.messages.is_empty() {
            return Err(Error::sdk(
                SdkCode::InvalidRequest,
                "tx must contain at least one message",
            ));
        }
        let fee = auth.fee.clone().unwrap_or_default();
        if !fee.granter.is_empty() {
            return Err(Error::sdk(
                SdkCode::NotSupported,
                "fee grants are not supported",
            ));
        }
        let fee_coins = fee
            .amount
            .iter()
            .map(|c| {
                let amount = c.amount.parse().map_err(|_| {
                    decode_err(format!(
                        "fee amount {:?} is not a non-negative integer",
                        c.amount
                    ))
                })?;
                Ok(Coin::new(amount, c.denom.clone()))
            })
            .collect::<Result<Vec<_>>>()?;
        let fee_payer = match fee.payer.as_str() {
            "" => None,
            payer => Some(
                Address::from_bech32(payer)
                    .map_err(|e| decode_err(format!("invalid fee payer: {}", e.msg)))?,
            ),
        };
        let signers = auth
            .signer_infos
            .iter()
            .map(signer_info)
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            hash: Sha256::digest(bytes).into(),
            len: bytes.len(),
            fee: fee_coins,
            signed_fee: fee.clone(),
            gas_limit: fee.gas_limit,
            fee_payer,
            body,
            signers,
            signatures: raw.signatures,
            body_bytes: raw.body_bytes,
            auth_info_bytes: raw.auth_info_bytes,
        })
    }

    /// The messages, in order.
    pub fn msgs(&self) -> &[Any] {
        &self.body.messages
    }

    /// The bytes signer `account_number` signs in SIGN_MODE_DIRECT.
    pub fn sign_bytes(&self, chain_id: &str, account_number: u64) -> Vec<u8> {
        SignDoc {
            body_bytes: self.body_bytes.clone(),
            auth_info_bytes: self.auth_info_bytes.clone(),
            chain_id: chain_id.to_string(),
            account_number,
        }
        .encode_to_vec()
    }

    /// The bytes signer `account_number` at `sequence` signs in SIGN_MODE_LEGACY_AMINO_JSON;
    /// errors as the SDK's handler does (unknown fields or extension options in the body, a
    /// message the encoder cannot write).
    pub fn amino_sign_bytes(
        &self,
        chain_id: &str,
        account_number: u64,
        sequence: u64,
    ) -> anyhow::Result<Vec<u8>> {
        reject_unknown_fields(&self.body_bytes, &TX_BODY, false)
            .map_err(|e| anyhow::anyhow!(e.msg))?;
        let signer = crate::aminojson::SignerData {
            chain_id,
            account_number,
            sequence,
        };
        crate::aminojson::sign_bytes(&self.body, &self.signed_fee, &signer)
    }

    /// The bytes `info`'s signer, account `account_number`, signed in its declared mode:
    /// `None` for SIGN_MODE_UNSPECIFIED, which signs nothing; an error when the amino sign doc
    /// cannot be built.
    pub fn signed_bytes(
        &self,
        info: &SignerInfo,
        chain_id: &str,
        account_number: u64,
    ) -> Option<anyhow::Result<Vec<u8>>> {
        match info.mode {
            TxSignMode::Direct => Some(Ok(self.sign_bytes(chain_id, account_number))),
            TxSignMode::LegacyAminoJson => {
                Some(self.amino_sign_bytes(chain_id, account_number, info.sequence))
            }
            TxSignMode::Unspecified => None,
        }
    }
}

fn signer_info(info: &agora_proto::cosmos::tx::v1beta1::SignerInfo) -> Result<SignerInfo> {
    let mode = match info.mode_info.as_ref().and_then(|m| m.sum.as_ref()) {
        Some(mode_info::Sum::Single(single)) => match SignMode::try_from(single.mode) {
            Ok(SignMode::Direct) => TxSignMode::Direct,
            Ok(SignMode::LegacyAminoJson) => TxSignMode::LegacyAminoJson,
            Ok(SignMode::Unspecified) => TxSignMode::Unspecified,
            _ => {
                return Err(Error::sdk(
                    SdkCode::NotSupported,
                    format!(
                        "sign mode {} is not supported; sign with SIGN_MODE_DIRECT or SIGN_MODE_LEGACY_AMINO_JSON",
                        single.mode
                    ),
                ))
            }
        },
        Some(mode_info::Sum::Multi(_)) => {
            return Err(Error::sdk(
                SdkCode::NotSupported,
                "multisig signers are not supported",
            ))
        }
        None => return Err(decode_err("signer info has no mode info")),
    };
    let pub_key = match &info.public_key {
        None => None,
        Some(any) if any.type_url == SECP256K1_PUBKEY_URL => {
            reject_unknown_fields(&any.value, &SECP256K1_PUB_KEY, false)?;
            let key = agora_proto::cosmos::crypto::secp256k1::PubKey::decode(any.value.as_slice())
                .map_err(|e| {
                    Error::sdk(
                        SdkCode::InvalidPubKey,
                        format!("cannot decode public key: {e}"),
                    )
                })?;
            if key.key.len() != 33 {
                return Err(Error::sdk(
                    SdkCode::InvalidPubKey,
                    format!(
                        "secp256k1 public key must be 33 bytes, got {}",
                        key.key.len()
                    ),
                ));
            }
            Some(key.key)
        }
        Some(any) => {
            return Err(Error::sdk(
                SdkCode::InvalidPubKey,
                format!("public key type {} is not supported", any.type_url),
            ))
        }
    };
    Ok(SignerInfo {
        pub_key,
        sequence: info.sequence,
        mode,
    })
}
