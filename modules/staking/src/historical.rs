//! Historical info (the SDK's `TrackHistoricalInfo`): each BeginBlock stores the block's
//! header and the bonded validators sorted by power, keeping the last
//! `params.historical_entries` heights, so IBC light clients of this chain can be checked
//! against past validator sets.

use agora_core::{Context, Result};
use agora_proto::cosmos::staking::v1beta1 as pb;
use agora_proto::tendermint::google::protobuf::Timestamp;
use agora_proto::tendermint::types::Header;
use prost::Message;

use crate::state::HISTORICAL_INFO;
use crate::{Keeper, Validator};

impl Keeper {
    /// Prunes entries older than `historical_entries` blocks and stores this block's.
    pub(crate) fn track_historical_info(&self, ctx: &mut Context) -> Result<()> {
        let entries = u64::from(self.params(ctx)?.historical_entries);
        let height = ctx.block.height;
        // Entries form one run of heights; delete from the newest one to prune down.
        let mut old = height.checked_sub(entries);
        while let Some(h) = old {
            let mut kv = ctx.kv(&self.key);
            if !HISTORICAL_INFO.has(&kv, h) {
                break;
            }
            HISTORICAL_INFO.remove(&mut kv, h);
            old = h.checked_sub(1);
        }
        if entries == 0 {
            return Ok(());
        }
        let mut validators: Vec<Validator> = Vec::new();
        for operator in self.last_powers(ctx)?.into_keys() {
            let operator = agora_core::Address::from_bytes(operator)?;
            validators.push(self.existing_validator(ctx, &operator)?);
        }
        validators.sort_by(|a, b| {
            b.consensus_power()
                .cmp(&a.consensus_power())
                .then_with(|| a.consensus_address().cmp(&b.consensus_address()))
        });
        let block = ctx.block;
        let header = Header {
            chain_id: block.chain_id.clone(),
            height: height as i64,
            time: Some(Timestamp {
                seconds: block.time.seconds() as i64,
                nanos: block.time.subsec_nanos() as i32,
            }),
            proposer_address: block.comet.proposer.clone(),
            next_validators_hash: block.comet.next_validators_hash.clone(),
            app_hash: block.comet.last_app_hash.clone(),
            ..Default::default()
        };
        let info = pb::HistoricalInfo {
            header: Some(header),
            valset: validators.iter().map(Validator::to_proto).collect(),
        };
        let mut kv = ctx.kv(&self.key);
        Ok(HISTORICAL_INFO.save(&mut kv, height, &info.encode_to_vec())?)
    }

    /// The historical info stored for `height`, if it is still kept.
    pub fn historical_info(
        &self,
        ctx: &mut Context,
        height: u64,
    ) -> Result<Option<pb::HistoricalInfo>> {
        let Some(bytes) = HISTORICAL_INFO.may_load(&ctx.kv(&self.key), height)? else {
            return Ok(None);
        };
        pb::HistoricalInfo::decode(bytes.as_slice())
            .map(Some)
            .map_err(|e| agora_core::Error::internal(format!("stored historical info: {e}")))
    }
}
