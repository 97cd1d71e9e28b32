//! Ctrl-C during a summary: the first SIGINT ends the input where it is, so
//! the summary of what was read is printed (as `ping` does) and the tool
//! exits with 130; a second SIGINT exits at once.
//!
//! Annotate mode keeps the default: its output is already out, line by
//! line, when the signal comes.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::SyncSender;
use std::sync::Mutex;

/// Set by the first SIGINT.
static REQUESTED: AtomicBool = AtomicBool::new(false);
/// Set when the input should end for another reason: the output of a live
/// summary was closed.
static STOPPED: AtomicBool = AtomicBool::new(false);
/// The handler is installed.
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// Prefetch queues to wake when the signal comes: their readers may be
/// blocked in a read that no signal interrupts (`kubectl logs -f`).
static WAKE: Mutex<Vec<SyncSender<io::Result<Vec<u8>>>>> = Mutex::new(Vec::new());

/// Whether the first SIGINT has come.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}

/// Whether reading should end where it is: after the first SIGINT, or when
/// [`stop_input`] was called.
pub fn input_stopped() -> bool {
    requested() || STOPPED.load(Ordering::Relaxed)
}

/// Ends every input where it is, as the first SIGINT does but without its
/// exit status: a live summary whose output was closed has nothing left to
/// do, however long its input goes on.
pub fn stop_input() {
    STOPPED.store(true, Ordering::Relaxed);
    wake_all();
}

fn wake_all() {
    if let Ok(wake) = WAKE.lock() {
        for queue in wake.iter() {
            // A full queue has a reader that is not waiting: it sees
            // the flag before it waits again.
            let _ = queue.try_send(Ok(Vec::new()));
        }
    }
}

/// Whether [`install`] succeeded: standard input is then read so that
/// Ctrl-C can end it.
pub fn installed() -> bool {
    INSTALLED.load(Ordering::Relaxed)
}

/// Registers a prefetch queue to wake with an end of input on SIGINT.
pub(crate) fn wake_on_interrupt(queue: SyncSender<io::Result<Vec<u8>>>) {
    if let Ok(mut wake) = WAKE.lock() {
        wake.push(queue);
    }
}

/// Handles SIGINT from now on, on a thread of its own. Returns false when
/// the handler could not be installed (the default then applies).
pub fn install() -> bool {
    use signal_hook::consts::SIGINT;
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT]) else {
        return false;
    };
    std::thread::spawn(move || {
        for _ in signals.forever() {
            if REQUESTED.swap(true, Ordering::Relaxed) {
                std::process::exit(130);
            }
            wake_all();
        }
    });
    INSTALLED.store(true, Ordering::Relaxed);
    true
}
