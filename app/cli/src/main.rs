//! agorad: the Agora node and command line, with this release's upgrade handlers.

fn main() {
    agora_cli::agorad::main(agora_app::modules::agora_upgrades());
}
