#!/usr/bin/env python3
"""Merges a genesis overlay into genesis.json: for each module in the overlay that the genesis
already has in app_state, the overlay's fields replace the genesis fields (recursively).
Modules the chain does not have yet are skipped with a note, so one devnet recipe serves as
modules arrive. Usage: genesis-overlay.py <genesis.json> <overlay.json>"""
import json
import sys


def merge(base, overlay):
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merge(base[key], value)
        else:
            base[key] = value


genesis_path, overlay_path = sys.argv[1], sys.argv[2]
with open(genesis_path) as f:
    genesis = json.load(f)
with open(overlay_path) as f:
    overlay = json.load(f)
for module, fields in overlay.get("app_state", {}).items():
    if module in genesis["app_state"]:
        merge(genesis["app_state"][module], fields)
    else:
        print(f"genesis-overlay: no {module} module in this chain yet; skipping its settings", file=sys.stderr)
with open(genesis_path, "w") as f:
    json.dump(genesis, f, indent=2)
    f.write("\n")
