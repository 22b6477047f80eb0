//! Generates Rust for every `agora/**/*.proto` with prost, and writes the descriptor set of
//! everything the node serves (`third_party/` and `agora/`), parsing with protox (no `protoc`).

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
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    let third_party = root.join("third_party");
    println!("cargo:rerun-if-changed=agora");
    println!("cargo:rerun-if-changed=third_party");
    let mut agora = Vec::new();
    protos(&root.join("agora"), &mut agora)?;
    agora.sort();
    let mut served = Vec::new();
    protos(&third_party, &mut served)?;
    served.sort();
    // Names as imports spell them: relative to the include directory each file is under.
    let mut names: Vec<PathBuf> = served
        .iter()
        .map(|p| p.strip_prefix(&third_party).map(Path::to_path_buf))
        .collect::<Result<_, _>>()?;
    for path in &agora {
        names.push(path.strip_prefix(&root)?.to_path_buf());
    }

    let mut compiler = protox::Compiler::new([&third_party, &root])?;
    compiler.include_imports(true).open_files(&names)?;
    std::fs::write(
        out.join("descriptors.binpb"),
        compiler.encode_file_descriptor_set(),
    )?;

    let mut descriptors = protox::compile(&agora, [&third_party, &root])?;
    // Imported Cosmos and well-known types are the ones the rest of the tree uses (extern
    // paths); the imports that only define options (amino, gogoproto, cosmos_proto,
    // google.api) get no Rust.
    const OPTIONS_ONLY: &[&str] = &["amino", "gogoproto", "cosmos_proto", "google.api"];
    descriptors
        .file
        .retain(|f| !OPTIONS_ONLY.contains(&f.package()));
    prost_build::Config::new()
        .compile_well_known_types()
        .extern_path(".cosmos", "::cosmrs::proto::cosmos")
        .extern_path(".google.protobuf", "::tendermint_proto::google::protobuf")
        .enable_type_names()
        .include_file("agora.rs")
        .compile_fds(descriptors)?;
    Ok(())
}
