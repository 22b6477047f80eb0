//! Gov's v1 Msgs: submit, deposit, vote, weighted vote, cancel, the legacy-content wrapper
//! and the authority's `MsgUpdateParams`, decoded and checked once without state, then
//! executed.

use agora_core::authority::{authority_signer, check_authority};
use agora_core::{decode_any, Address, Coins, Context, DecodedMsg, Error, Result, SdkCode};
use agora_proto::cosmos::gov::{v1 as pb, v1beta1};
use agora_proto::Any;
use prost::Message;

use crate::errors::GovCode;
use crate::events;
use crate::keeper::{timestamp, Keeper};
use crate::legacy;
use crate::proposals::Submission;
use crate::votes::{check_options, Weighted};
use crate::Params;

/// Type URL of v1 `MsgSubmitProposal`.
pub const MSG_SUBMIT_PROPOSAL_TYPE_URL: &str = "/cosmos.gov.v1.MsgSubmitProposal";
/// Type URL of v1 `MsgDeposit`.
pub const MSG_DEPOSIT_TYPE_URL: &str = "/cosmos.gov.v1.MsgDeposit";
/// Type URL of v1 `MsgVote`.
pub const MSG_VOTE_TYPE_URL: &str = "/cosmos.gov.v1.MsgVote";
/// Type URL of v1 `MsgVoteWeighted`.
pub const MSG_VOTE_WEIGHTED_TYPE_URL: &str = "/cosmos.gov.v1.MsgVoteWeighted";
/// Type URL of `MsgCancelProposal`.
pub const MSG_CANCEL_PROPOSAL_TYPE_URL: &str = "/cosmos.gov.v1.MsgCancelProposal";
/// Type URL of `MsgExecLegacyContent`.
pub const MSG_EXEC_LEGACY_CONTENT_TYPE_URL: &str = "/cosmos.gov.v1.MsgExecLegacyContent";
/// Type URL of gov's `MsgUpdateParams`.
pub const MSG_UPDATE_PARAMS_TYPE_URL: &str = "/cosmos.gov.v1.MsgUpdateParams";
/// Type URL of the legacy `TextProposal` content (no effect when it passes).
pub const TEXT_PROPOSAL_TYPE_URL: &str = "/cosmos.gov.v1beta1.TextProposal";
/// The Msgs gov handles: v1's and the v1beta1 ones older clients send.
pub const TYPE_URLS: &[&str] = &[
    MSG_SUBMIT_PROPOSAL_TYPE_URL,
    MSG_DEPOSIT_TYPE_URL,
    MSG_VOTE_TYPE_URL,
    MSG_VOTE_WEIGHTED_TYPE_URL,
    MSG_CANCEL_PROPOSAL_TYPE_URL,
    MSG_EXEC_LEGACY_CONTENT_TYPE_URL,
    MSG_UPDATE_PARAMS_TYPE_URL,
    legacy::MSG_SUBMIT_PROPOSAL_TYPE_URL,
    legacy::MSG_DEPOSIT_TYPE_URL,
    legacy::MSG_VOTE_TYPE_URL,
    legacy::MSG_VOTE_WEIGHTED_TYPE_URL,
];

/// The gas a submission costs per byte of the Msg (the SDK's 3 x `WriteCostPerByte`).
const SUBMIT_GAS_PER_BYTE: u64 = 90;

/// A gov Msg, checked (v1beta1 Msgs decode into the same).
pub(crate) enum GovMsg {
    Submit {
        submission: Submission,
        size: usize,
    },
    Deposit {
        id: u64,
        depositor: Address,
        amount: Coins,
    },
    Vote {
        id: u64,
        voter: Address,
        options: Vec<Weighted>,
        metadata: String,
    },
    Cancel {
        id: u64,
        proposer: Address,
    },
    ExecLegacyContent {
        authority: String,
        content: Any,
    },
    UpdateParams {
        authority: String,
        params: Params,
    },
}

/// Decodes a gov Msg and checks it without state.
pub fn decode(msg: &Any) -> Result<DecodedMsg> {
    let invalid = |detail: &str| Error::sdk(SdkCode::InvalidRequest, detail);
    let (signer, checked) = match msg.type_url.as_str() {
        MSG_SUBMIT_PROPOSAL_TYPE_URL => {
            let m: pb::MsgSubmitProposal = decode_any(msg, &msg.type_url)?;
            let proposer = Address::from_bech32(&m.proposer)?;
            if m.title.is_empty() {
                return Err(GovCode::InvalidProposal.err("proposal title cannot be empty"));
            }
            if m.summary.is_empty() {
                return Err(GovCode::InvalidProposal.err("proposal summary cannot be empty"));
            }
            let submission = Submission {
                messages: m.messages.clone(),
                initial_deposit: crate::proposals::coins_of(&m.initial_deposit)?,
                proposer: proposer.clone(),
                metadata: m.metadata,
                title: m.title,
                summary: m.summary,
                expedited: m.expedited,
            };
            let size = msg.value.len();
            (proposer, GovMsg::Submit { submission, size })
        }
        MSG_DEPOSIT_TYPE_URL => {
            let m: pb::MsgDeposit = decode_any(msg, &msg.type_url)?;
            deposit_msg(m.proposal_id, &m.depositor, &m.amount)?
        }
        MSG_VOTE_TYPE_URL => {
            let m: pb::MsgVote = decode_any(msg, &msg.type_url)?;
            vote_msg(m.proposal_id, &m.voter, &[single(m.option)], m.metadata)?
        }
        MSG_VOTE_WEIGHTED_TYPE_URL => {
            let m: pb::MsgVoteWeighted = decode_any(msg, &msg.type_url)?;
            vote_msg(m.proposal_id, &m.voter, &m.options, m.metadata)?
        }
        MSG_CANCEL_PROPOSAL_TYPE_URL => {
            let m: pb::MsgCancelProposal = decode_any(msg, &msg.type_url)?;
            let proposer = Address::from_bech32(&m.proposer)?;
            (
                proposer.clone(),
                GovMsg::Cancel {
                    id: m.proposal_id,
                    proposer,
                },
            )
        }
        MSG_EXEC_LEGACY_CONTENT_TYPE_URL => {
            let m: pb::MsgExecLegacyContent = decode_any(msg, &msg.type_url)?;
            let content = m.content.ok_or_else(|| invalid("content is required"))?;
            let signer = authority_signer(&m.authority)?;
            (
                signer,
                GovMsg::ExecLegacyContent {
                    authority: m.authority,
                    content,
                },
            )
        }
        MSG_UPDATE_PARAMS_TYPE_URL => {
            let m: pb::MsgUpdateParams = decode_any(msg, &msg.type_url)?;
            let params = m
                .params
                .as_ref()
                .ok_or_else(|| invalid("params are required"))?;
            let params = Params::from_proto(params)?;
            params.validate()?;
            let signer = authority_signer(&m.authority)?;
            (
                signer,
                GovMsg::UpdateParams {
                    authority: m.authority,
                    params,
                },
            )
        }
        _ => legacy::decode(msg)?,
    };
    Ok(DecodedMsg::new(
        msg.type_url.as_str(),
        vec![signer],
        checked,
    ))
}

/// A deposit of either version: its depositor and a non-empty amount (the SDK's
/// `validateDeposit`).
pub(crate) fn deposit_msg(
    id: u64,
    depositor: &str,
    amount: &[agora_proto::cosmos::base::v1beta1::Coin],
) -> Result<(Address, GovMsg)> {
    let depositor = Address::from_bech32(depositor)?;
    let amount = Coins::from_msg(amount)?;
    if amount.is_empty() {
        return Err(Error::sdk(
            SdkCode::InvalidCoins,
            "deposit amount cannot be empty",
        ));
    }
    let deposit = GovMsg::Deposit {
        id,
        depositor: depositor.clone(),
        amount,
    };
    Ok((depositor, deposit))
}

/// A vote of either version: its voter and options that are valid and sum to 1.
pub(crate) fn vote_msg(
    id: u64,
    voter: &str,
    options: &[pb::WeightedVoteOption],
    metadata: String,
) -> Result<(Address, GovMsg)> {
    let voter = Address::from_bech32(voter)?;
    let vote = GovMsg::Vote {
        id,
        voter: voter.clone(),
        options: check_options(options)?,
        metadata,
    };
    Ok((voter, vote))
}

/// A plain vote's one option, of weight 1.
pub(crate) fn single(option: i32) -> pb::WeightedVoteOption {
    pb::WeightedVoteOption {
        option,
        weight: "1".into(),
    }
}

/// Executes a decoded gov Msg; returns the encoded response.
pub fn handle(keeper: &Keeper, ctx: &mut Context, msg: &DecodedMsg) -> Result<Vec<u8>> {
    match msg.value::<GovMsg>()? {
        GovMsg::Submit { submission, size } => {
            ctx.consume_gas(SUBMIT_GAS_PER_BYTE * *size as u64, "submit proposal")?;
            let proposal_id = keeper.submit(ctx, submission)?;
            Ok(pb::MsgSubmitProposalResponse { proposal_id }.encode_to_vec())
        }
        GovMsg::Deposit {
            id,
            depositor,
            amount,
        } => {
            if keeper.add_deposit(ctx, *id, depositor, amount)? {
                ctx.emit(events::voting_period_start("proposal_deposit", *id));
            }
            Ok(pb::MsgDepositResponse {}.encode_to_vec())
        }
        GovMsg::Vote {
            id,
            voter,
            options,
            metadata,
        } => {
            keeper.add_vote(ctx, *id, voter, options, metadata)?;
            // MsgVoteResponse and MsgVoteWeightedResponse (v1 and v1beta1) are all empty
            Ok(pb::MsgVoteResponse {}.encode_to_vec())
        }
        GovMsg::Cancel { id, proposer } => {
            keeper.cancel(ctx, *id, proposer)?;
            ctx.emit(events::cancel_proposal(*id, proposer));
            Ok(pb::MsgCancelProposalResponse {
                proposal_id: *id,
                canceled_time: Some(timestamp(ctx.block.time.nanos())),
                canceled_height: ctx.block.height,
            }
            .encode_to_vec())
        }
        GovMsg::ExecLegacyContent { authority, content } => {
            check_authority(keeper.authority(), authority)?;
            execute_legacy_content(content)?;
            Ok(pb::MsgExecLegacyContentResponse {}.encode_to_vec())
        }
        GovMsg::UpdateParams { authority, params } => {
            check_authority(keeper.authority(), authority)?;
            keeper.set_params(ctx, params)?;
            Ok(pb::MsgUpdateParamsResponse {}.encode_to_vec())
        }
    }
}

/// Runs legacy proposal content: a `TextProposal` has no effect; no other kind has a handler.
pub(crate) fn execute_legacy_content(content: &Any) -> Result<()> {
    match content.type_url.as_str() {
        TEXT_PROPOSAL_TYPE_URL => {
            decode_any::<v1beta1::TextProposal>(content, TEXT_PROPOSAL_TYPE_URL).map(drop)
        }
        other => Err(GovCode::NoProposalHandlerExists.err(other)),
    }
}
