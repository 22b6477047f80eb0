#!/usr/bin/env python3
"""Copies the .proto files the node serves, and everything they import, into proto/third_party.

The Rust types of these messages come from cosmos-sdk-proto; the node compiles these files
(with protox, at build time) only for their descriptors: gRPC server reflection, the REST
gateway's routes (`google.api.http` options) and JSON (field names, `@type` in Any), and the
OpenAPI document. They must be the release cosmos-sdk-proto was generated from
(COSMOS_SDK_COMMIT in that crate: v0.50.9); `tests` in agora-proto checks the two agree.

    python3 scripts/vendor-protos.py COSMOS_SDK_GIT COSMOS_PROTO_GIT GOGOPROTO_GIT

Each argument is a git directory of that repository holding the tag below (a fork that carries
the upstream tags serves as well: cosmos-sdk's own mirror is larger than `fetch` brings, and
v0.50.9 is commit 8bfcf554275c1efbb42666cc8510d2da139b67fa in any copy). google/api's two
files are small and stable and are kept as they are.
"""

import pathlib
import re
import subprocess
import sys

SOURCES = [  # (repository argument index, tag, directory in the repository)
    (0, "v0.50.9", "proto"),
    (1, "v1.0.0-beta.5", "proto"),
    (2, "v1.5.0", ""),
]
# The files whose services and Msgs the node serves; their imports come with them.
ROOTS = [
    f"cosmos/{m}/{v}/{f}.proto"
    for m, v in [("auth", "v1beta1"), ("bank", "v1beta1"), ("staking", "v1beta1"),
                 ("distribution", "v1beta1"), ("slashing", "v1beta1"), ("mint", "v1beta1"),
                 ("evidence", "v1beta1"), ("consensus", "v1"), ("gov", "v1"), ("gov", "v1beta1"),
                 ("upgrade", "v1beta1")]
    for f in ("query", "tx")
] + [
    "cosmos/tx/v1beta1/service.proto",
    "cosmos/base/tendermint/v1beta1/query.proto",
    "cosmos/base/node/v1beta1/query.proto",
    "cosmos/reflection/v1/reflection.proto",
    "cosmos/evidence/v1beta1/evidence.proto",
    "cosmos/gov/v1/genesis.proto",
    "cosmos/gov/v1beta1/genesis.proto",
    "cosmos/crypto/secp256k1/keys.proto",
    "cosmos/crypto/ed25519/keys.proto",
    "cosmos/crypto/multisig/keys.proto",
]
# Provided elsewhere: protox has the well-known types; google/api is kept in the tree.
EXTERNAL = ("google/protobuf/", "google/api/")
OUT = pathlib.Path(__file__).resolve().parent.parent / "proto" / "third_party"


def show(repo, tag, path):
    result = subprocess.run(["git", "--git-dir", repo, "show", f"{tag}:{path}"],
                            capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else None


def fetch(repos, name):
    for index, tag, base in SOURCES:
        text = show(repos[index], tag, f"{base}/{name}".lstrip("/"))
        if text is not None:
            return text
    sys.exit(f"{name} is in none of the repositories")


def main():
    repos = sys.argv[1:]
    if len(repos) != 3:
        sys.exit(__doc__)
    todo, done = list(ROOTS), set()
    while todo:
        name = todo.pop()
        if name in done or name.startswith(EXTERNAL):
            continue
        done.add(name)
        text = fetch(repos, name)
        path = OUT / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        todo.extend(re.findall(r'^import\s+(?:public\s+)?"([^"]+)";', text, re.M))
    print(f"{len(done)} files in {OUT}")


if __name__ == "__main__":
    main()
