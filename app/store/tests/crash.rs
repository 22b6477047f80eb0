//! A process killed at any instant restarts at the last committed height with the same app hash.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::{open, set, Write};

const DIR_VAR: &str = "AGORA_STORE_CRASH_DIR";

/// Height h: 1,000 keys of a growing keyspace, with a delete now and then.
fn block(h: u64) -> Vec<Write> {
    let mut w: Vec<Write> = (0..1_000u64)
        .map(|i| {
            set(
                if i % 2 == 0 { "bank" } else { "auth" },
                &(i * 7 + h * 13).to_be_bytes(),
                &h.to_be_bytes(),
            )
        })
        .collect();
    if h > 1 {
        w.push(common::del("bank", &((h - 1) * 13).to_be_bytes()));
    }
    w.sort();
    w.dedup_by(|a, b| a.0 == b.0);
    w
}

/// Run by `killed_mid_commit_restarts_consistently` in a child process: commits forever,
/// printing each committed height and app hash.
#[test]
#[ignore = "runs as the child process of killed_mid_commit_restarts_consistently"]
fn crash_child_commits_forever() {
    let dir = std::env::var(DIR_VAR).expect("run by killed_mid_commit_restarts_consistently");
    let mut store = open(std::path::Path::new(&dir), 5);
    loop {
        let h = store.height() + 1;
        let hash = store.commit(h, block(h)).unwrap();
        println!("committed {h} {}", hex::encode(hash));
    }
}

#[test]
fn killed_mid_commit_restarts_consistently() {
    for kill_after in [3, 8, 13] {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "crash_child_commits_forever",
                "--ignored",
                "--nocapture",
            ])
            .env(DIR_VAR, dir.path())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut seen = vec![];
        for line in BufReader::new(child.stdout.take().unwrap()).lines() {
            let line = line.unwrap();
            if let Some(rest) = line.strip_prefix("committed ") {
                let (h, hash) = rest.split_once(' ').unwrap();
                seen.push((h.parse::<u64>().unwrap(), hash.to_owned()));
                if seen.len() == kill_after {
                    child.kill().unwrap(); // SIGKILL, most likely in the middle of a commit
                    break;
                }
            }
        }
        child.wait().unwrap();
        let (last_h, last_hash) = seen.last().cloned().expect("the child committed");

        let store = open(dir.path(), 5);
        assert!(store.height() >= last_h, "lost a committed height");
        assert_eq!(hex::encode(store.app_hash_at(last_h).unwrap()), last_hash);
        // The state is exactly that of the blocks up to the recovered height.
        let replay_dir = tempfile::tempdir().unwrap();
        let mut replay = open(replay_dir.path(), 5);
        for h in 1..=store.height() {
            replay.commit(h, block(h)).unwrap();
        }
        assert_eq!(store.app_hash(), replay.app_hash());
        // And it commits on from there.
        drop(store);
        let mut store = open(dir.path(), 5);
        let next = store.height() + 1;
        assert_eq!(
            store.commit(next, block(next)).unwrap(),
            replay.commit(next, block(next)).unwrap()
        );
    }
}
