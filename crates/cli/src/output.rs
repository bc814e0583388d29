//! Standard output that may close under us: `microcred spec check … | head -1` closes the pipe,
//! a full disk refuses the write. Either ends the command cleanly, with a message and its own
//! exit code (`exit::OUTPUT`), never a panic.

/// Ends the command because standard output refused a write.
pub fn closed(error: &std::io::Error) -> ! {
    let why = match error.kind() {
        std::io::ErrorKind::BrokenPipe => "it was closed (the reader stopped reading)".to_owned(),
        _ => error.to_string(),
    };
    eprintln_quietly(&format!(
        "microcred: stopped: the output could not be written: {why}"
    ));
    std::process::exit(i32::from(crate::exit::OUTPUT));
}

/// Writes to standard error, ignoring a failure there (nowhere is left to report it).
fn eprintln_quietly(message: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "{message}");
}

/// `println!` that ends the command cleanly when standard output refuses the write.
macro_rules! outln {
    () => {{
        use std::io::Write as _;
        if let Err(error) = writeln!(std::io::stdout().lock()) {
            $crate::output::closed(&error)
        }
    }};
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(error) = writeln!(std::io::stdout().lock(), $($arg)*) {
            $crate::output::closed(&error)
        }
    }};
}
pub(crate) use outln;
