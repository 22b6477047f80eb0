//! Generates Rust for every `agora/**/*.proto` with prost, parsing with protox (no protoc).

use std::path::{Path, PathBuf};

fn protos(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            protos(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "proto") {
            out.push(path);
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let mut files = Vec::new();
    protos(&root.join("agora"), &mut files)?;
    files.sort();
    println!("cargo:rerun-if-changed=agora");
    if files.is_empty() {
        // No Agora messages yet: an empty `agora` module.
        let out = PathBuf::from(std::env::var("OUT_DIR")?).join("agora.rs");
        std::fs::write(out, "pub mod agora {}\n")?;
        return Ok(());
    }
    let descriptors = protox::compile(&files, [&root])?;
    prost_build::Config::new()
        .enable_type_names()
        .include_file("agora.rs")
        .compile_fds(descriptors)?;
    Ok(())
}
