//! A test fixture, not a release: `agorad` plus a handler for the upgrade `next` (it runs
//! the module migrations). tests/upgrade.rs restarts a chain that halted at the plan `next`
//! with it, as an operator starts the release that knows the upgrade.

fn main() {
    let upgrades =
        agora_app::modules::agora_upgrades().with_handler("next", agora_upgrade::run_migrations());
    agora_cli::agorad::main(upgrades);
}
