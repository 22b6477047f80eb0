//! Where passphrases, mnemonics and confirmations come from, and where output goes.
//!
//! On a terminal, passphrases are read without echo from the TTY (rpassword) and a new one is
//! asked twice. When standard input is not a terminal (a pipe or a file), every answer, a
//! passphrase included, is one line of standard input, read once: scripts and tests pipe them.
//! Prompts go to standard error.

use std::io::{self, BufRead, IsTerminal, Write};

use anyhow::{bail, Context, Result};
use zeroize::Zeroizing;

/// Shortest passphrase accepted when one is chosen (the SDK's minimum).
pub const MIN_PASSPHRASE_LEN: usize = 8;

enum Input<'a> {
    /// The process's standard input; `terminal` if it is a TTY.
    Stdin { terminal: bool },
    /// Lines from a reader (never a terminal).
    Lines(Box<dyn BufRead + 'a>),
}

/// Interactive input and output of the `keys` commands.
pub struct Console<'a> {
    input: Input<'a>,
    out: Box<dyn Write + 'a>,
    err: Box<dyn Write + 'a>,
}

impl Console<'static> {
    /// Standard input, output and error; passphrases are read from the TTY if stdin is one.
    pub fn stdio() -> Self {
        Self {
            input: Input::Stdin {
                terminal: io::stdin().is_terminal(),
            },
            out: Box::new(io::stdout()),
            err: Box::new(io::stderr()),
        }
    }
}

impl<'a> Console<'a> {
    /// Answers read as lines from `input` (as when stdin is piped); output to `out` and `err`.
    pub fn new(input: impl BufRead + 'a, out: impl Write + 'a, err: impl Write + 'a) -> Self {
        Self {
            input: Input::Lines(Box::new(input)),
            out: Box::new(out),
            err: Box::new(err),
        }
    }

    /// Whether answers come from a person at a terminal.
    pub(crate) fn is_terminal(&self) -> bool {
        matches!(self.input, Input::Stdin { terminal: true })
    }

    /// Standard output.
    pub(crate) fn out(&mut self) -> &mut dyn Write {
        &mut self.out
    }

    /// Standard error.
    pub(crate) fn err(&mut self) -> &mut dyn Write {
        &mut self.err
    }

    /// Prints `prompt` to stderr and reads one line (without its line ending). `what` names the
    /// answer in the error if input has ended.
    pub(crate) fn line(&mut self, prompt: &str, what: &str) -> Result<Zeroizing<String>> {
        writeln!(self.err, "{prompt}")?;
        self.err.flush()?;
        let mut line = Zeroizing::new(String::new());
        let read = match &mut self.input {
            Input::Stdin { .. } => io::stdin().read_line(&mut line),
            Input::Lines(reader) => reader.read_line(&mut line),
        }
        .with_context(|| format!("reading {what} from standard input"))?;
        if read == 0 {
            bail!("expected {what} on standard input, but it ended");
        }
        let trimmed = line.trim_end_matches(['\n', '\r']).len();
        line.truncate(trimmed);
        Ok(line)
    }

    /// Asks for a secret: without echo on a terminal, else as one line of input.
    pub(crate) fn secret(&mut self, prompt: &str, what: &str) -> Result<Zeroizing<String>> {
        if self.is_terminal() {
            self.err.flush()?;
            let secret = rpassword::prompt_password(format!("{prompt} "))
                .with_context(|| format!("reading {what} from the terminal"))?;
            Ok(Zeroizing::new(secret))
        } else {
            self.line(prompt, what)
        }
    }

    /// Asks for a secret being chosen: at least [`MIN_PASSPHRASE_LEN`] characters, and typed
    /// twice on a terminal (once when piped).
    pub(crate) fn new_secret(
        &mut self,
        prompt: &str,
        again: &str,
        what: &str,
    ) -> Result<Zeroizing<String>> {
        let secret = self.secret(prompt, what)?;
        check_new_passphrase(&secret)?;
        if self.is_terminal() && *self.secret(again, what)? != *secret {
            bail!("the passphrases do not match");
        }
        Ok(secret)
    }
}

/// Checks a passphrase being chosen is long enough.
pub(crate) fn check_new_passphrase(passphrase: &str) -> Result<()> {
    if passphrase.chars().count() < MIN_PASSPHRASE_LEN {
        bail!("the passphrase must be at least {MIN_PASSPHRASE_LEN} characters");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn piped_lines_are_read_in_order() {
        let mut err = Vec::new();
        let mut console = Console::new(&b"first\r\nsecond pass\nthird"[..], io::sink(), &mut err);
        assert!(!console.is_terminal());
        assert_eq!(*console.line("> one", "a").unwrap(), "first");
        assert_eq!(
            *console.new_secret("pw?", "again?", "b").unwrap(),
            "second pass"
        );
        assert_eq!(*console.secret("pw?", "c").unwrap(), "third");
        let end = console.line("> more", "the fourth answer").unwrap_err();
        assert_eq!(
            end.to_string(),
            "expected the fourth answer on standard input, but it ended"
        );
        drop(console);
        assert_eq!(String::from_utf8(err).unwrap(), "> one\npw?\npw?\n> more\n");
    }

    #[test]
    fn short_new_passphrases_are_refused() {
        let mut console = Console::new(&b"1234567\n"[..], io::sink(), io::sink());
        let err = console.new_secret("pw?", "again?", "x").unwrap_err();
        assert!(err.to_string().contains("at least 8 characters"), "{err}");
    }
}
