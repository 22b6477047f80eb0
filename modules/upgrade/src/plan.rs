//! Upgrade plans, the handlers a binary registers for them, and the halt of a binary that
//! has none.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use agora_core::{Context, Error, Result, SdkCode, VersionMap};
use agora_proto::cosmos::upgrade::v1beta1 as pb;
use agora_proto::tendermint::google::protobuf::Timestamp;
use serde::{Deserialize, Serialize};

/// Seconds of Go's zero `time.Time` (0001-01-01T00:00:00Z) since the Unix epoch: what the
/// SDK's non-nullable `Plan.time` holds when unset, and the only value it accepts.
const GO_ZERO_TIME_SECONDS: i64 = -62_135_596_800;

/// The file a halting node writes for Cosmovisor, in the home's `data/` (the SDK's name).
pub const UPGRADE_INFO_FILE: &str = "upgrade-info.json";

/// The exit code of an `agorad` that stopped at an upgrade it has no handler for (1 is any
/// other failure, 2 a command-line error): what a supervisor waits for to swap binaries.
pub const UPGRADE_NEEDED_EXIT_CODE: i32 = 3;

/// A scheduled upgrade: its name (which a new binary registers a handler for), the height it
/// runs at, and free-form info (e.g. Cosmovisor's binary links).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The upgrade's name.
    pub name: String,
    /// The height whose block runs the upgrade (or halts the old binary).
    pub height: u64,
    /// What operators need to know, e.g. where the new binary is.
    pub info: String,
}

impl Plan {
    /// A plan from its proto, checked as the SDK's `Plan.ValidateBasic`: a name, a height
    /// above 0, and neither of the fields the SDK no longer takes (time, IBC client state).
    #[allow(deprecated)] // reads the deprecated fields only to refuse them
    pub fn from_proto(p: &pb::Plan) -> Result<Self> {
        let invalid = |msg: &str| Error::sdk(SdkCode::InvalidRequest, format!("plan: {msg}"));
        let zero_time = p
            .time
            .as_ref()
            .is_none_or(|t| t.seconds == GO_ZERO_TIME_SECONDS && t.nanos == 0);
        if !zero_time {
            return Err(invalid(
                "time-based upgrades have been deprecated in the SDK",
            ));
        }
        if p.upgraded_client_state.is_some() {
            return Err(invalid(
                "upgrade logic for IBC has been moved to the IBC module",
            ));
        }
        if p.name.is_empty() {
            return Err(invalid("name cannot be empty"));
        }
        if p.height <= 0 {
            return Err(invalid("height must be greater than 0"));
        }
        Ok(Self {
            name: p.name.clone(),
            height: p.height as u64,
            info: p.info.clone(),
        })
    }

    /// The plan as the SDK encodes it (its unset time is Go's zero time).
    #[allow(deprecated)] // the SDK still encodes the deprecated time
    #[allow(deprecated)] // the SDK still encodes the deprecated time
    pub fn to_proto(&self) -> pb::Plan {
        pb::Plan {
            name: self.name.clone(),
            time: Some(Timestamp {
                seconds: GO_ZERO_TIME_SECONDS,
                nanos: 0,
            }),
            height: self.height as i64,
            info: self.info.clone(),
            upgraded_client_state: None,
        }
    }

    /// Whether the block at `height` runs this plan (the SDK's `ShouldExecute`).
    pub fn is_due(&self, height: u64) -> bool {
        self.height <= height
    }
}

/// Why a node stops: the chain reached a plan's height and this binary has no handler for
/// it. Displays as the SDK's log line, `UPGRADE "<name>" NEEDED at height: <h>: <info>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpgradeNeeded {
    /// The plan that is due.
    pub plan: Plan,
}

impl std::fmt::Display for UpgradeNeeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plan = &self.plan;
        write!(
            f,
            "UPGRADE \"{}\" NEEDED at height: {}: {}",
            plan.name, plan.height, plan.info
        )
    }
}

impl std::error::Error for UpgradeNeeded {}

impl UpgradeNeeded {
    /// Writes `upgrade-info.json` into `data_dir` as the SDK does for Cosmovisor:
    /// `{"name","time","height","info"}`; returns the file's path.
    pub fn write_info(&self, data_dir: &Path) -> std::io::Result<PathBuf> {
        let info = serde_json::json!({
            "name": self.plan.name,
            "time": "0001-01-01T00:00:00Z",
            "height": self.plan.height,
            "info": self.plan.info,
        });
        std::fs::create_dir_all(data_dir)?;
        let path = data_dir.join(UPGRADE_INFO_FILE);
        std::fs::write(&path, info.to_string())?;
        Ok(path)
    }
}

/// What a binary runs at an upgrade's height: it migrates state from the version map in
/// state and returns the new map (the SDK's `UpgradeHandler`).
pub type UpgradeHandler =
    Arc<dyn Fn(&mut Context, &Plan, &VersionMap) -> Result<VersionMap> + Send + Sync>;

/// The handler most upgrades need: every module's migrations up to this binary's versions
/// (new modules get their default genesis), through the app's router.
pub fn run_migrations() -> UpgradeHandler {
    Arc::new(|ctx: &mut Context, _plan: &Plan, from: &VersionMap| {
        let router = ctx.router()?;
        router.run_migrations(ctx, from)
    })
}

/// What this node does at upgrade heights: the handlers its binary registers, by upgrade
/// name, and the heights whose upgrade the operator skips (`--unsafe-skip-upgrades`).
#[derive(Clone, Default)]
pub struct Upgrades {
    handlers: BTreeMap<String, UpgradeHandler>,
    skip_heights: BTreeSet<u64>,
}

impl Upgrades {
    /// These upgrades, and `handler` for the upgrade called `name`.
    pub fn with_handler(mut self, name: &str, handler: UpgradeHandler) -> Self {
        self.handlers.insert(name.to_string(), handler);
        self
    }

    /// These upgrades, skipping any plan due at one of `heights`.
    pub fn skipping(mut self, heights: impl IntoIterator<Item = u64>) -> Self {
        self.skip_heights.extend(heights);
        self
    }

    /// The handler of the upgrade called `name`, if this binary has one.
    pub fn handler(&self, name: &str) -> Option<&UpgradeHandler> {
        self.handlers.get(name)
    }

    /// Whether the operator skips the upgrade due at `height`.
    pub fn skips(&self, height: u64) -> bool {
        self.skip_heights.contains(&height)
    }
}

impl std::fmt::Debug for Upgrades {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upgrades")
            .field("handlers", &self.handlers.keys().collect::<Vec<_>>())
            .field("skip_heights", &self.skip_heights)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proto(name: &str, height: i64) -> pb::Plan {
        pb::Plan {
            name: name.into(),
            height,
            ..Default::default()
        }
    }

    #[test]
    #[allow(deprecated)] // sets the deprecated time to see it refused
    fn plans_are_checked_as_the_sdk_checks_them() {
        let plan = Plan::from_proto(&proto("v2", 10)).unwrap();
        assert_eq!(Plan::from_proto(&plan.to_proto()).unwrap(), plan);
        for (bad, why) in [
            (proto("", 10), "name cannot be empty"),
            (proto("v2", 0), "height must be greater than 0"),
            (
                pb::Plan {
                    time: Some(Timestamp {
                        seconds: 0,
                        nanos: 0,
                    }),
                    ..proto("v2", 10)
                },
                "time-based upgrades",
            ),
        ] {
            let err = Plan::from_proto(&bad).unwrap_err();
            assert_eq!(err.code, SdkCode::InvalidRequest as u32);
            assert!(err.msg.contains(why), "{}", err.msg);
        }
        assert!(plan.is_due(10) && plan.is_due(11) && !plan.is_due(9));
    }

    #[test]
    fn a_halt_says_what_the_sdk_says_and_leaves_cosmovisor_its_file() {
        let needed = UpgradeNeeded {
            plan: Plan {
                name: "v2".into(),
                height: 42,
                info: "https://example.com/v2".into(),
            },
        };
        assert_eq!(
            needed.to_string(),
            "UPGRADE \"v2\" NEEDED at height: 42: https://example.com/v2"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = needed.write_info(&dir.path().join("data")).unwrap();
        let info: serde_json::Value =
            serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        assert_eq!(info["name"], "v2");
        assert_eq!(info["height"], 42);
        assert_eq!(info["info"], "https://example.com/v2");
    }
}
