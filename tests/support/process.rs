//! Running the `agorad` binary cargo built for these tests, and ending processes by pid.

use std::ffi::OsStr;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The agorad binary cargo built for these tests.
pub const AGORAD: &str = env!("CARGO_BIN_EXE_agorad");

/// An address no node can listen on (port 0): connecting to it is refused.
pub const UNREACHABLE: &str = "tcp://127.0.0.1:0";

/// Stdout or stderr as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `agorad` with `RUST_LOG=warn` (its listening lines still print, see `node`).
pub fn command() -> Command {
    command_of(AGORAD)
}

/// [`command`] of another build of agorad (the upgrade test's `agorad-next`).
pub fn command_of(binary: &str) -> Command {
    let mut command = Command::new(binary);
    command.env("RUST_LOG", "warn");
    // Nodes of tests running at once must not share app.toml's default gRPC port.
    command.env("AGORAD_GRPC_ADDRESS", "127.0.0.1:0");
    command.env("AGORAD_API_ADDRESS", "127.0.0.1:0");
    command
}

/// `agorad <args>` with stdin fed `input` (then closed); waits and returns its output.
pub fn run<S: AsRef<OsStr>>(args: impl IntoIterator<Item = S>, input: &str) -> Output {
    let mut child = command()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run agorad");
    let mut stdin = child.stdin.take().expect("piped stdin");
    if let Err(e) = stdin.write_all(input.as_bytes()) {
        // A command that exits without reading its input is judged by its output.
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
    }
    drop(stdin);
    child.wait_with_output().expect("agorad output")
}

/// `agorad --home <home> <args>` with stdin fed `input`, as [`run`].
pub fn run_in(home: &Path, args: &[&str], input: &str) -> Output {
    let home = [OsStr::new("--home"), home.as_os_str()];
    run(home.into_iter().chain(args.iter().map(OsStr::new)), input)
}

/// Whether process `pid` still runs (a zombie counts as ended).
pub fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the parenthesised command name.
        Ok(stat) => !matches!(
            stat.rsplit(')').next().map(str::trim_start),
            Some(s) if s.starts_with('Z') || s.starts_with('X')
        ),
        Err(_) => false,
    }
}

/// SIGKILL to `pid` (exactly that process), then waits until it has ended.
pub fn kill_pid(pid: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .stderr(Stdio::null())
        .status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while alive(pid) {
        assert!(Instant::now() < deadline, "pid {pid} survived SIGKILL");
        std::thread::sleep(Duration::from_millis(20));
    }
}
