//! Stand-alone runner for the `pol` subcommands until `agorad` mounts them:
//! `cargo run -p agora-pol --example pol -- <train|verify|selftest|serve-blobs|example-spec> ...`

use agora_pol::cli::PolCommand;
use clap::Parser;

/// `agorad pol` as a stand-alone binary.
#[derive(Parser)]
#[command(name = "pol")]
struct Cli {
    #[command(subcommand)]
    command: PolCommand,
}

fn main() -> anyhow::Result<()> {
    Cli::parse().command.run()
}
