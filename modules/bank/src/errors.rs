//! The bank codespace's error codes (`x/bank/types/errors.go`).

use agora_core::Error;

use crate::MODULE;

/// Bank error codes, registered under codespace `bank` as in the SDK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum BankCode {
    /// A MsgMultiSend without inputs.
    NoInputs = 2,
    /// A MsgMultiSend without outputs.
    NoOutputs = 3,
    /// Inputs and outputs of a MsgMultiSend do not sum to the same coins.
    InputOutputMismatch = 4,
    /// A denom whose transfers are disabled.
    SendDisabled = 5,
    /// A MsgMultiSend with more than one input.
    MultipleSenders = 9,
}

impl BankCode {
    /// The description the SDK registers for this code.
    pub fn description(self) -> &'static str {
        match self {
            BankCode::NoInputs => "no inputs to send transaction",
            BankCode::NoOutputs => "no outputs to send transaction",
            BankCode::InputOutputMismatch => "sum inputs != sum outputs",
            BankCode::SendDisabled => "send transactions are disabled",
            BankCode::MultipleSenders => "multiple senders not allowed",
        }
    }

    /// This error with `detail` before the description, as `errors.Wrap` writes it.
    pub fn err(self, detail: impl std::fmt::Display) -> Error {
        Error::new(
            MODULE,
            self as u32,
            format!("{detail}: {}", self.description()),
        )
    }

    /// This error with only its description.
    pub fn bare(self) -> Error {
        Error::new(MODULE, self as u32, self.description())
    }
}

/// Prefixes an error's message with `context` (a field or argument name), keeping its code.
pub(crate) fn at(context: impl std::fmt::Display) -> impl FnOnce(Error) -> Error {
    move |mut e| {
        e.msg = format!("{context}: {}", e.msg);
        e
    }
}
