//! `/cosmos.upgrade.v1beta1.MsgSoftwareUpgrade` schedules a plan and `MsgCancelUpgrade`
//! removes it; only the authority (the gov account, through a proposal) sends either.

use agora_core::authority::authority_signer;
use agora_core::{decode_any, Context, DecodedMsg, Error, Result, SdkCode};
use agora_proto::cosmos::upgrade::v1beta1 as pb;
use agora_proto::Any;
use prost::Message;

use crate::errors::UpgradeCode;
use crate::{Keeper, Plan};

/// Type URL of `MsgSoftwareUpgrade`.
pub const MSG_SOFTWARE_UPGRADE_TYPE_URL: &str = "/cosmos.upgrade.v1beta1.MsgSoftwareUpgrade";
/// Type URL of `MsgCancelUpgrade`.
pub const MSG_CANCEL_UPGRADE_TYPE_URL: &str = "/cosmos.upgrade.v1beta1.MsgCancelUpgrade";
/// The Msgs upgrade handles.
pub const TYPE_URLS: &[&str] = &[MSG_SOFTWARE_UPGRADE_TYPE_URL, MSG_CANCEL_UPGRADE_TYPE_URL];

/// A decoded `MsgSoftwareUpgrade`, its plan checked.
struct SoftwareUpgrade {
    authority: String,
    plan: Plan,
}

/// A decoded `MsgCancelUpgrade`.
struct CancelUpgrade {
    authority: String,
}

/// Decodes one of [`TYPE_URLS`]; the signer is the authority it names, and a plan must pass
/// the SDK's `Plan.ValidateBasic` (a missing plan is the empty one, which does not).
pub fn decode(msg: &Any) -> Result<DecodedMsg> {
    match msg.type_url.as_str() {
        MSG_SOFTWARE_UPGRADE_TYPE_URL => {
            let m: pb::MsgSoftwareUpgrade = decode_any(msg, MSG_SOFTWARE_UPGRADE_TYPE_URL)?;
            let signer = authority_signer(&m.authority)?;
            let plan = Plan::from_proto(&m.plan.unwrap_or_default())?;
            let checked = SoftwareUpgrade {
                authority: m.authority,
                plan,
            };
            Ok(DecodedMsg::new(&msg.type_url, vec![signer], checked))
        }
        MSG_CANCEL_UPGRADE_TYPE_URL => {
            let m: pb::MsgCancelUpgrade = decode_any(msg, MSG_CANCEL_UPGRADE_TYPE_URL)?;
            let signer = authority_signer(&m.authority)?;
            let checked = CancelUpgrade {
                authority: m.authority,
            };
            Ok(DecodedMsg::new(&msg.type_url, vec![signer], checked))
        }
        other => Err(Error::sdk(
            SdkCode::UnknownRequest,
            format!("upgrade handles no message {other}"),
        )),
    }
}

/// Executes a decoded Msg.
pub fn handle(keeper: &Keeper, ctx: &mut Context, msg: &DecodedMsg) -> Result<Vec<u8>> {
    match msg.type_url() {
        MSG_SOFTWARE_UPGRADE_TYPE_URL => {
            let m: &SoftwareUpgrade = msg.value()?;
            check_authority(keeper, &m.authority)?;
            keeper.schedule(ctx, &m.plan)?;
            Ok(pb::MsgSoftwareUpgradeResponse {}.encode_to_vec())
        }
        _ => {
            let m: &CancelUpgrade = msg.value()?;
            check_authority(keeper, &m.authority)?;
            keeper.clear_plan(ctx)?;
            Ok(pb::MsgCancelUpgradeResponse {}.encode_to_vec())
        }
    }
}

/// Upgrade's own authority error (`upgrade` codespace, 6), as its msg server returns.
fn check_authority(keeper: &Keeper, got: &str) -> Result<()> {
    let expected = keeper.authority();
    if expected.to_string() == got {
        return Ok(());
    }
    Err(UpgradeCode::InvalidSigner.err(format!("expected {expected} got {got}")))
}
