//! The exit statuses, in one place (the README's "Exit status" table and
//! `--help` list the same ones).

/// How the process ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0: everything was read (and, for `lookup`, something matched).
    Success,
    /// 1: a `--fail-on` rule tripped, or `lookup` matched nothing.
    Tripped,
    /// 2: an input could not be read, the output could not be written, or
    /// the command line, a code table or the configuration file was wrong.
    Error,
    /// 130: interrupted by Ctrl-C (128 + SIGINT).
    Interrupted,
}

impl Exit {
    /// The number the process exits with.
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Tripped => 1,
            Exit::Error => 2,
            Exit::Interrupted => 130,
        }
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit.code())
    }
}
