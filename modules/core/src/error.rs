//! Errors that carry an ABCI codespace and code, as Cosmos SDK errors do.

use std::borrow::Cow;

/// An error a tx, query or genesis can fail with: `codespace` + `code` reach the ABCI response
/// so clients can match on them; `msg` is a sentence a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{msg}")]
pub struct Error {
    /// The registering module, e.g. `sdk`, `bank`.
    pub codespace: Cow<'static, str>,
    /// The code within the codespace (never 0: 0 means success in ABCI).
    pub code: u32,
    /// What went wrong, ending with the registered description like the SDK's wrapped errors.
    pub msg: String,
}

/// The Cosmos SDK's root error codes (`types/errors`, codespace `sdk`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum SdkCode {
    TxDecode = 2,
    InvalidSequence = 3,
    Unauthorized = 4,
    InsufficientFunds = 5,
    UnknownRequest = 6,
    InvalidAddress = 7,
    InvalidPubKey = 8,
    UnknownAddress = 9,
    InvalidCoins = 10,
    OutOfGas = 11,
    MemoTooLarge = 12,
    InsufficientFee = 13,
    TooManySignatures = 14,
    NoSignatures = 15,
    JsonUnmarshal = 17,
    InvalidRequest = 18,
    TxInMempoolCache = 19,
    MempoolIsFull = 20,
    TxTooLarge = 21,
    KeyNotFound = 22,
    InvalidHeight = 26,
    InvalidChainId = 28,
    InvalidType = 29,
    TxTimeoutHeight = 30,
    UnknownExtensionOptions = 31,
    WrongSequence = 32,
    Logic = 35,
    NotSupported = 37,
    NotFound = 38,
    InvalidGasLimit = 41,
}

impl SdkCode {
    /// The description the SDK registers for this code.
    pub fn description(self) -> &'static str {
        use SdkCode::*;
        match self {
            TxDecode => "tx parse error",
            InvalidSequence => "invalid sequence",
            Unauthorized => "unauthorized",
            InsufficientFunds => "insufficient funds",
            UnknownRequest => "unknown request",
            InvalidAddress => "invalid address",
            InvalidPubKey => "invalid pubkey",
            UnknownAddress => "unknown address",
            InvalidCoins => "invalid coins",
            OutOfGas => "out of gas",
            MemoTooLarge => "memo too large",
            InsufficientFee => "insufficient fee",
            TooManySignatures => "maximum number of signatures exceeded",
            NoSignatures => "no signatures supplied",
            JsonUnmarshal => "failed to unmarshal JSON bytes",
            InvalidRequest => "invalid request",
            TxInMempoolCache => "tx already in mempool",
            MempoolIsFull => "mempool is full",
            TxTooLarge => "tx too large",
            KeyNotFound => "key not found",
            InvalidHeight => "invalid height",
            InvalidChainId => "invalid chain-id",
            InvalidType => "invalid type",
            TxTimeoutHeight => "tx timeout height",
            UnknownExtensionOptions => "unknown extension options",
            WrongSequence => "incorrect account sequence",
            Logic => "internal logic error",
            NotSupported => "feature not supported",
            NotFound => "not found",
            InvalidGasLimit => "invalid gas limit",
        }
    }
}

/// The SDK's codespace for root errors.
pub const SDK_CODESPACE: &str = "sdk";

impl Error {
    /// An error of a module's own codespace.
    pub fn new(codespace: &'static str, code: u32, msg: impl Into<String>) -> Self {
        Self {
            codespace: Cow::Borrowed(codespace),
            code,
            msg: msg.into(),
        }
    }

    /// A root SDK error: `detail` is followed by the code's description, as `errors.Wrap` does.
    pub fn sdk(code: SdkCode, detail: impl std::fmt::Display) -> Self {
        Self::new(
            SDK_CODESPACE,
            code as u32,
            format!("{detail}: {}", code.description()),
        )
    }

    /// Whether this is the given root SDK error.
    pub fn is(&self, code: SdkCode) -> bool {
        self.codespace == SDK_CODESPACE && self.code == code as u32
    }

    /// A query's gRPC `NotFound` as the SDK's ABCI query reports it, wrapped in `sdk/22`:
    /// "rpc error: code = NotFound desc = `what` not found: key not found". cosmjs matches
    /// "rpc error: code = NotFound" to answer `null` (accounts not yet created, say).
    pub fn not_found(what: impl std::fmt::Display) -> Self {
        Self::sdk(
            SdkCode::KeyNotFound,
            format!("rpc error: code = NotFound desc = {what} not found"),
        )
    }

    /// An invariant the code relies on did not hold (codespace `undefined`, code 1, like the SDK's `ErrInternal`).
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self::new("undefined", 1, format!("{detail}: internal"))
    }
}

impl From<cosmwasm_std::StdError> for Error {
    fn from(err: cosmwasm_std::StdError) -> Self {
        Error::internal(format!("state access failed: {err}"))
    }
}

impl From<prost::DecodeError> for Error {
    fn from(err: prost::DecodeError) -> Self {
        Error::sdk(
            SdkCode::InvalidRequest,
            format!("cannot decode protobuf: {err}"),
        )
    }
}

/// Shorthand for results carrying an [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
