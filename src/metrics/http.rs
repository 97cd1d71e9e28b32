//! The HTTP side of `--metrics-listen`: one thread, one connection at a
//! time, `GET /metrics` (and `HEAD`) answered with the counts, anything
//! else with 404 or 405. Written here rather than taken from a server
//! crate: it needs one route and no concurrency, and a hand-written loop
//! keeps the promise of bounded threads and memory whatever connects (a
//! request is read up to 8 KiB with 2 s timeouts, then the connection is
//! closed).

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::time::Duration;

use super::{write_exposition, Metrics};

/// The longest request head read.
const MAX_REQUEST: usize = 8 * 1024;
/// How long a client may take to send its request or read the answer.
const TIMEOUT: Duration = Duration::from_secs(2);

/// Listens on `addr` (`127.0.0.1:9464`, `[::1]:9464`, `localhost:9464`;
/// port 0 picks a free one) and serves `metrics` on a thread of its own
/// until the process ends. Returns the address bound.
pub fn serve(addr: &str, metrics: Metrics) -> Result<SocketAddr, String> {
    let addrs: Vec<SocketAddr> = addr
        .to_socket_addrs()
        .map_err(|e| {
            format!(
                "--metrics-listen {addr}: not an address to listen on ({e}); e.g. 127.0.0.1:9464"
            )
        })?
        .collect();
    let listener = TcpListener::bind(&addrs[..])
        .map_err(|e| format!("--metrics-listen {addr}: cannot listen ({e})"))?;
    let bound = listener
        .local_addr()
        .map_err(|e| format!("--metrics-listen {addr}: {e}"))?;
    std::thread::Builder::new()
        .name("metrics".into())
        .spawn(move || {
            for stream in listener.incoming().flatten() {
                // A client that misbehaves only loses its own answer.
                let _ = answer(stream, &metrics);
            }
        })
        .map_err(|e| format!("--metrics-listen {addr}: {e}"))?;
    Ok(bound)
}

fn answer(mut stream: TcpStream, metrics: &Metrics) -> io::Result<()> {
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    let head = read_head(&mut stream)?;
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let mut words = line.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let path = target.split('?').next().unwrap_or("");
    let (status, body) = match (method, path) {
        ("GET" | "HEAD", "/metrics") => {
            let mut body = Vec::new();
            write_exposition(&metrics.snapshot(), &mut body)?;
            ("200 OK", body)
        }
        ("GET" | "HEAD", _) => ("404 Not Found", b"only /metrics is served\n".to_vec()),
        _ => ("405 Method Not Allowed", b"only GET /metrics\n".to_vec()),
    };
    let mut reply = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    if method != "HEAD" {
        reply.extend_from_slice(&body);
    }
    stream.write_all(&reply)?;
    stream.flush()
}

/// The request up to its blank line, or the first [`MAX_REQUEST`] bytes.
fn read_head(stream: &mut TcpStream) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(512);
    let mut buf = [0u8; 1024];
    while head.len() < MAX_REQUEST {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
        if head.windows(4).any(|w| w == b"\r\n\r\n") || head.windows(2).any(|w| w == b"\n\n") {
            break;
        }
    }
    Ok(head)
}
