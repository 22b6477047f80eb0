//! Gov's error codes (codespace `gov`), as x/gov v0.50 registers them.

use agora_core::Error;

use crate::MODULE;

/// The gov errors Agora returns, with the SDK's codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum GovCode {
    /// No proposal has the id.
    UnknownProposal = 2,
    /// The proposal takes no deposits or votes any more.
    InactiveProposal = 3,
    /// Legacy proposal content that is missing or incomplete.
    InvalidProposalContent = 5,
    /// A vote option that does not exist, or weights that do not sum to 1.
    InvalidVote = 7,
    /// A genesis state that does not hold together.
    InvalidGenesis = 8,
    /// Legacy content of a type no handler executes.
    NoProposalHandlerExists = 9,
    /// A proposed Msg no module handles.
    UnroutableProposalMsg = 10,
    /// A proposal without Msgs where one is needed.
    NoProposalMsgs = 11,
    /// A proposed Msg that fails its own checks.
    InvalidProposalMsg = 12,
    /// A proposed Msg signed by another account than gov's.
    InvalidSigner = 13,
    /// Metadata (or a title) longer than the chain allows.
    MetadataTooLong = 15,
    /// A deposit below what params require.
    MinDepositTooSmall = 16,
    /// Only the proposer may cancel.
    InvalidProposer = 18,
    /// The voting period is over.
    VotingPeriodEnded = 20,
    /// A proposal missing what it needs (title, summary, ...).
    InvalidProposal = 21,
    /// A summary longer than the chain allows.
    SummaryTooLong = 22,
    /// A deposit in a denom gov does not take.
    InvalidDepositDenom = 23,
}

impl GovCode {
    /// The description the SDK registers for this code.
    pub fn description(self) -> &'static str {
        use GovCode::*;
        match self {
            UnknownProposal => "unknown proposal",
            InactiveProposal => "inactive proposal",
            InvalidProposalContent => "invalid proposal content",
            InvalidVote => "invalid vote option",
            InvalidGenesis => "invalid genesis state",
            NoProposalHandlerExists => "no handler exists for proposal type",
            UnroutableProposalMsg => "proposal message not recognized by router",
            NoProposalMsgs => "no messages proposed",
            InvalidProposalMsg => "invalid proposal message",
            InvalidSigner => "expected gov account as only signer for proposal message",
            MetadataTooLong => "metadata too long",
            MinDepositTooSmall => "minimum deposit is too small",
            InvalidProposer => "invalid proposer",
            VotingPeriodEnded => "voting period already ended",
            InvalidProposal => "invalid proposal",
            SummaryTooLong => "summary too long",
            InvalidDepositDenom => "invalid deposit denom",
        }
    }

    /// The error with context before the description, as the SDK's `Wrapf`.
    pub fn err(self, detail: impl std::fmt::Display) -> Error {
        Error::new(
            MODULE,
            self as u32,
            format!("{detail}: {}", self.description()),
        )
    }
}
