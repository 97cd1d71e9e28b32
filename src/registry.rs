//! The table of close codes: what each code means, what kind of event it is and
//! what to do about it.
//!
//! Every number gets a [`Description`]: the IANA-registered codes (1000-1015,
//! 3000, 3003, 3008) have their own [`Entry`]; every other number falls back to
//! the entry of its range (unassigned protocol code, unregistered 3xxx, private
//! 4xxx, not a close code at all). The table is plain data; the tests at the
//! bottom check the table itself.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// What kind of event a close is, at a glance. The order is the display order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Closed on purpose, cleanly; nothing to do.
    Normal,
    /// The peer went away, is restarting or overloaded, or timed out: reconnect later.
    Transient,
    /// The connection or the server failed: dropped connection, server fault,
    /// bad gateway, TLS failure.
    Error,
    /// One side broke the protocol or sent data the other cannot take: a bug to fix.
    Protocol,
    /// Refused by policy or access control: credentials, permissions, abuse limits.
    Policy,
    /// An application-defined code with no standard meaning (unregistered 3xxx, all 4xxx).
    Application,
    /// A reserved protocol code that nobody should send (1004, 1016-2999).
    Reserved,
    /// Not a close code at all (below 1000, 5000 and above).
    Invalid,
}

impl Category {
    /// Every category, in display order.
    pub const ALL: [Category; 8] = [
        Category::Normal,
        Category::Transient,
        Category::Error,
        Category::Protocol,
        Category::Policy,
        Category::Application,
        Category::Reserved,
        Category::Invalid,
    ];

    /// The name used on the command line, in text and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Normal => "normal",
            Category::Transient => "transient",
            Category::Error => "error",
            Category::Protocol => "protocol",
            Category::Policy => "policy",
            Category::Application => "application",
            Category::Reserved => "reserved",
            Category::Invalid => "invalid",
        }
    }

    /// One sentence for `--help` and the README.
    pub fn describe(self) -> &'static str {
        match self {
            Category::Normal => "closed on purpose, cleanly; nothing to do (1000, 1005)",
            Category::Transient => {
                "peer going away, restarting, overloaded or timed out; reconnect later (1001, 1012, 1013, 3008)"
            }
            Category::Error => {
                "the connection or server failed: dropped without a close frame, server fault, bad gateway, TLS (1006, 1011, 1014, 1015)"
            }
            Category::Protocol => {
                "a side broke the protocol or sent data the other cannot take; a bug to fix (1002, 1003, 1007, 1009, 1010)"
            }
            Category::Policy => "refused by policy or access control (1008, 3000, 3003)",
            Category::Application => {
                "application-defined, no standard meaning (unregistered 3000-3999, all 4000-4999)"
            }
            Category::Reserved => "reserved protocol code nobody should send (1004, 1016-2999)",
            Category::Invalid => "not a close code: below 1000 or 5000 and above",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
                format!(
                    "unknown category '{s}' (expected one of: {})",
                    names.join(", ")
                )
            })
    }
}

/// Whether, and how, a client should reconnect after a close with this code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reconnect {
    /// A deliberate close: do not reconnect by default.
    No,
    /// Only if the connection was meant to stay open, then with backoff.
    IfExpected,
    /// Yes, with a random first delay and exponential backoff + jitter.
    Backoff,
    /// Yes, after a random 5-30 s delay (a restarting service).
    Delayed,
    /// A few attempts with backoff, then stop and alert.
    Limited,
    /// Not at once: another endpoint, a long backoff, or on user action.
    LongBackoff,
    /// Not until the client has new credentials.
    AfterReauth,
    /// Not until the cause (a bug, a config, a permission) is fixed.
    AfterFix,
    /// Whatever the application that chose the code says.
    AppDefined,
}

impl Reconnect {
    /// The token used in JSON (`"reconnect": "backoff"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Reconnect::No => "no",
            Reconnect::IfExpected => "if-expected",
            Reconnect::Backoff => "backoff",
            Reconnect::Delayed => "delayed",
            Reconnect::Limited => "limited",
            Reconnect::LongBackoff => "long-backoff",
            Reconnect::AfterReauth => "after-reauth",
            Reconnect::AfterFix => "after-fix",
            Reconnect::AppDefined => "app-defined",
        }
    }

    /// The advice in words, short enough for an annotation.
    pub fn advice(self) -> &'static str {
        match self {
            Reconnect::No => "do not reconnect",
            Reconnect::IfExpected => "reconnect only if it should stay open",
            Reconnect::Backoff => "reconnect with backoff + jitter",
            Reconnect::Delayed => "reconnect after a random 5-30 s delay",
            Reconnect::Limited => "retry a few times with backoff, then alert",
            Reconnect::LongBackoff => "not at once: other endpoint or long backoff",
            Reconnect::AfterReauth => "not until re-authenticated",
            Reconnect::AfterFix => "not until the cause is fixed",
            Reconnect::AppDefined => "as the sending application defines",
        }
    }

    /// Every policy, for documentation and tests.
    pub const ALL: [Reconnect; 9] = [
        Reconnect::No,
        Reconnect::IfExpected,
        Reconnect::Backoff,
        Reconnect::Delayed,
        Reconnect::Limited,
        Reconnect::LongBackoff,
        Reconnect::AfterReauth,
        Reconnect::AfterFix,
        Reconnect::AppDefined,
    ];
}

impl fmt::Display for Reconnect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a number sits in the close-code space (RFC 6455 §7.4.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CodeRange {
    /// 1000-2999: the protocol's own codes.
    Protocol,
    /// 3000-3999: registered with IANA by libraries, frameworks and applications.
    Registered,
    /// 4000-4999: private use, never registered.
    Private,
    /// Anything else: not a close code.
    Invalid,
}

impl CodeRange {
    /// The range a number falls in.
    pub fn of(code: u32) -> CodeRange {
        match code {
            1000..=2999 => CodeRange::Protocol,
            3000..=3999 => CodeRange::Registered,
            4000..=4999 => CodeRange::Private,
            _ => CodeRange::Invalid,
        }
    }

    /// The token used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            CodeRange::Protocol => "protocol",
            CodeRange::Registered => "registered",
            CodeRange::Private => "private",
            CodeRange::Invalid => "invalid",
        }
    }
}

/// What the tool knows about a code (or about a whole range, for codes with no
/// entry of their own).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The registered name, e.g. "Abnormal Closure".
    pub name: &'static str,
    pub category: Category,
    /// What happened, in a sentence or two.
    pub meaning: &'static str,
    /// What to do about it.
    pub recovery: &'static str,
    /// The first thing to check, short enough for an annotation.
    pub hint: &'static str,
    pub reconnect: Reconnect,
    /// False for codes that only exist locally (1005, 1006, 1015) and codes
    /// nobody may send (1004, unassigned, invalid).
    pub on_wire: bool,
    /// Who defined it.
    pub defined_by: &'static str,
}

/// A registered code with its entry.
#[derive(Debug)]
pub struct CodeDef {
    pub code: u16,
    pub entry: Entry,
}

/// A number, explained: its own entry when it has one, else its range's.
#[derive(Clone, Copy, Debug)]
pub struct Description {
    pub code: u32,
    pub range: CodeRange,
    pub entry: &'static Entry,
    /// True when `entry` is this code's own, not its range's.
    pub exact: bool,
}

impl Description {
    /// A code that is a valid close code number (1000-4999), whatever its entry.
    pub fn is_valid(&self) -> bool {
        self.range != CodeRange::Invalid
    }
}

/// Explains any number.
pub fn describe(code: u32) -> Description {
    let range = CodeRange::of(code);
    if let Some(def) = CODES.iter().find(|d| u32::from(d.code) == code) {
        return Description {
            code,
            range,
            entry: &def.entry,
            exact: true,
        };
    }
    let entry = match range {
        CodeRange::Protocol => &UNASSIGNED_PROTOCOL,
        CodeRange::Registered => &UNREGISTERED_APP,
        CodeRange::Private => &PRIVATE_USE,
        CodeRange::Invalid => &NOT_A_CLOSE_CODE,
    };
    Description {
        code,
        range,
        entry,
        exact: false,
    }
}

const RFC: &str = "RFC 6455";

/// The IANA registry (registry snapshot 2026-06-10), with meaning and
/// recovery written for on-call engineers.
pub static CODES: &[CodeDef] = &[
    CodeDef {
        code: 1000,
        entry: Entry {
            name: "Normal Closure",
            category: Category::Normal,
            meaning: "The connection did what it was opened for and was closed on purpose.",
            recovery: "Nothing to do. If the client expected a long-lived connection, find out which side closed it (shutdown handler, idle reaper, page navigation).",
            hint: "closed on purpose",
            reconnect: Reconnect::No,
            on_wire: true,
            defined_by: RFC,
        },
    },
    CodeDef {
        code: 1001,
        entry: Entry {
            name: "Going Away",
            category: Category::Transient,
            meaning: "An endpoint is going away: the server is shutting down (deploy, scale-in, pod eviction) or the browser left the page.",
            recovery: "Reconnect with backoff + jitter. Bursts line up with deploys and node drains; drain connections gradually on shutdown so clients do not all return at once.",
            hint: "server shutdown or page left",
            reconnect: Reconnect::Backoff,
            on_wire: true,
            defined_by: RFC,
        },
    },
    CodeDef {
        code: 1002,
        entry: Entry {
            name: "Protocol Error",
            category: Category::Protocol,
            meaning: "An endpoint closed because its peer broke the WebSocket protocol: bad framing or masking, an unknown opcode, a reserved close code.",
            recovery: "Do not retry blindly: a peer or a proxy in between is buggy or incompatible. Capture the frames (library debug log, Wireshark), check proxies that rewrite traffic and the permessage-deflate settings.",
            hint: "peer broke the protocol; capture frames, check proxies",
            reconnect: Reconnect::AfterFix,
            on_wire: true,
            defined_by: RFC,
        },
    },
    CodeDef {
        code: 1003,
        entry: Entry {
            name: "Unsupported Data",
            category: Category::Protocol,
            meaning: "The endpoint received a type of data it cannot accept, e.g. binary frames on a text-only endpoint.",
            recovery: "Send the frame type the peer expects (text or binary) and check the serializer on the sending side.",
            hint: "wrong frame type (text vs binary)",
            reconnect: Reconnect::AfterFix,
            on_wire: true,
            defined_by: RFC,
        },
    },
    CodeDef {
        code: 1004,
        entry: Entry {
            name: "Reserved",
            category: Category::Reserved,
            meaning: "Reserved by RFC 6455 with no meaning defined; no endpoint should send it.",
            recovery: "Receiving it means the peer is buggy: libraries answer with 1002. Find and fix the sender's close call.",
            hint: "reserved code; the sender is buggy",
            reconnect: Reconnect::AfterFix,
            on_wire: false,
            defined_by: RFC,
        },
    },
    CodeDef {
        code: 1005,
        entry: Entry {
            name: "No Status Received",
            category: Category::Normal,
            meaning: "Local pseudo-code, never sent: a Close frame arrived but carried no status code. Usually a clean close by a peer that sends empty Close frames.",
            recovery: "Treat it like 1000 (or like 1001 if the connection should have stayed open). If the peer ought to say why it closed, make it send a code.",
            hint: "empty close frame, usually clean",
            reconnect: Reconnect::IfExpected,
            on_wire: false,
            defined_by: RFC,
        },
    },
    CodeDef {
        code: 1006,
        entry: Entry {
            name: "Abnormal Closure",
            category: Category::Error,
            meaning: "Local pseudo-code, never sent: the connection dropped without a Close frame (TCP reset, proxy or load-balancer idle timeout, network loss, crashed or OOM-killed process). Browsers also report every failed connect, TLS error or refused upgrade (e.g. HTTP 401/403) as 1006.",
            recovery: "Reconnect with a random first delay and exponential backoff + jitter, capped (RFC 6455 §7.2.3). Send pings more often than the shortest idle timeout on the path (load balancer, ingress, NAT), check proxy timeouts and server restarts or crashes. At connect time, check DNS, TLS and the HTTP status of the upgrade.",
            hint: "dropped without close frame; check LB/proxy idle timeouts, heartbeats",
            reconnect: Reconnect::Backoff,
            on_wire: false,
            defined_by: RFC,
        },
    },
    CodeDef {
        code: 1007,
        entry: Entry {
            name: "Invalid Frame Payload Data",
            category: Category::Protocol,
            meaning: "A message's data did not match its type, e.g. invalid UTF-8 in a text message.",
            recovery: "Validate or encode text as UTF-8 before sending, or send binary data in binary frames.",
            hint: "bad payload, e.g. invalid UTF-8 in text",
            reconnect: Reconnect::AfterFix,
            on_wire: true,
            defined_by: RFC,
        },
    },
    CodeDef {
        code: 1008,
        entry: Entry {
            name: "Policy Violation",
            category: Category::Policy,
            meaning: "A message or the connection broke the endpoint's policy. This is the generic refusal, used when no more specific code (such as 1003 or 1009) fits or the details are hidden: often authentication, Origin checks or abuse limits.",
            recovery: "Reconnecting with the same credentials or input fails again. Check the server's reason and logs: authentication, Origin allow-list, rate or abuse limits, content rules.",
            hint: "refused by policy: auth, origin, limits",
            reconnect: Reconnect::AfterFix,
            on_wire: true,
            defined_by: RFC,
        },
    },
    CodeDef {
        code: 1009,
        entry: Entry {
            name: "Message Too Big",
            category: Category::Protocol,
            meaning: "A message was larger than the receiving endpoint will process.",
            recovery: "Split large messages, or raise the receiver's limit (max message/frame size, read limit, maxPayload) if the size is legitimate.",
            hint: "message over the receiver's size limit",
            reconnect: Reconnect::AfterFix,
            on_wire: true,
            defined_by: RFC,
        },
    },
    CodeDef {
        code: 1010,
        entry: Entry {
            name: "Mandatory Extension",
            category: Category::Protocol,
            meaning: "The client closed because the server did not negotiate an extension the client requires (named in the reason). Only clients send it.",
            recovery: "Enable the extension on the server or make it optional on the client; check for proxies that strip Sec-WebSocket-Extensions.",
            hint: "server did not negotiate a required extension",
            reconnect: Reconnect::AfterFix,
            on_wire: true,
            defined_by: RFC,
        },
    },
    CodeDef {
        code: 1011,
        entry: Entry {
            name: "Internal Error",
            category: Category::Error,
            meaning: "The server hit an unexpected condition (an unhandled exception, a failed dependency) and closed. Python websockets also sends it when keepalive pings go unanswered.",
            recovery: "Find the server-side exception logged at the same time. Retry a few times with backoff, then stop and alert. With 'keepalive ping timeout', the peer did not answer pings in time: a blocked event loop or a dead network path.",
            hint: "server fault; see server logs at this time",
            reconnect: Reconnect::Limited,
            on_wire: true,
            defined_by: "RFC 6455 (name per IANA, RFC Errata 3227)",
        },
    },
    CodeDef {
        code: 1012,
        entry: Entry {
            name: "Service Restart",
            category: Category::Transient,
            meaning: "The server is restarting.",
            recovery: "Reconnect after a random delay of 5-30 s so that clients do not all return at the same moment.",
            hint: "server restarting",
            reconnect: Reconnect::Delayed,
            on_wire: true,
            defined_by: "IANA registration (hybi), not in RFC 6455",
        },
    },
    CodeDef {
        code: 1013,
        entry: Entry {
            name: "Try Again Later",
            category: Category::Transient,
            meaning: "The server is overloaded or temporarily unable to serve.",
            recovery: "Do not reconnect to the same server at once: use another endpoint, back off for a long time, or wait for user action. Check server capacity and connection limits.",
            hint: "server overloaded",
            reconnect: Reconnect::LongBackoff,
            on_wire: true,
            defined_by: "IANA registration (hybi), not in RFC 6455",
        },
    },
    CodeDef {
        code: 1014,
        entry: Entry {
            name: "Bad Gateway",
            category: Category::Error,
            meaning: "A gateway or proxy got an invalid response from the upstream server, like HTTP 502. gorilla/websocket and tungstenite reject a received 1014 as a protocol error.",
            recovery: "Check the health of the upstream service behind the gateway and reconnect with backoff; add a circuit breaker if it repeats.",
            hint: "gateway got a bad upstream response",
            reconnect: Reconnect::Backoff,
            on_wire: true,
            defined_by: "IANA registration (hybi, 2016), not in RFC 6455",
        },
    },
    CodeDef {
        code: 1015,
        entry: Entry {
            name: "TLS Handshake",
            category: Category::Error,
            meaning: "Local pseudo-code, never sent: the TLS handshake failed, e.g. the certificate could not be verified. Browsers report TLS failures as 1006 instead.",
            recovery: "Retrying will not help until TLS is fixed: certificate chain and expiry, hostname, trusted CAs, protocol versions and ciphers.",
            hint: "TLS handshake failed; check certificates",
            reconnect: Reconnect::AfterFix,
            on_wire: false,
            defined_by: RFC,
        },
    },
    CodeDef {
        code: 3000,
        entry: Entry {
            name: "Unauthorized",
            category: Category::Policy,
            meaning: "IANA-registered application code (2021): the client is not authenticated. The registration is a name only, with no specification.",
            recovery: "Get new credentials (refresh the token) before reconnecting: the same credentials fail again.",
            hint: "not authenticated",
            reconnect: Reconnect::AfterReauth,
            on_wire: true,
            defined_by: "IANA registration (2021-09-06), name only",
        },
    },
    CodeDef {
        code: 3003,
        entry: Entry {
            name: "Forbidden",
            category: Category::Policy,
            meaning: "IANA-registered application code (2023): the client is known but not allowed. The registration is a name only, with no specification.",
            recovery: "Check the account's permissions or scopes; retrying fails until access changes.",
            hint: "authenticated but not allowed",
            reconnect: Reconnect::AfterFix,
            on_wire: true,
            defined_by: "IANA registration (2023-02-22), name only",
        },
    },
    CodeDef {
        code: 3008,
        entry: Entry {
            name: "Timeout",
            category: Category::Transient,
            meaning: "IANA-registered application code (2024): something timed out, typically the server waiting for the client's init, auth or heartbeat. The registration is a name only, with no specification.",
            recovery: "Reconnect with backoff, and make sure the client sends its first message and its heartbeats in time.",
            hint: "timed out waiting",
            reconnect: Reconnect::Backoff,
            on_wire: true,
            defined_by: "IANA registration (2024-02-01), name only",
        },
    },
];

static UNASSIGNED_PROTOCOL: Entry = Entry {
    name: "Unassigned protocol code",
    category: Category::Reserved,
    meaning: "1016-2999 is reserved for future revisions and extensions of the WebSocket protocol, and nothing there is assigned. A peer sending it is buggy or speaks an extension you do not.",
    recovery: "Find the sender: libraries treat a received unassigned code as a protocol error (1002).",
    hint: "unassigned; the sender is buggy",
    reconnect: Reconnect::AfterFix,
    on_wire: false,
    defined_by: "RFC 6455 §7.4.2 (reserved range)",
};

static UNREGISTERED_APP: Entry = Entry {
    name: "Unregistered application code",
    category: Category::Application,
    meaning: "In the 3000-3999 range that IANA registers for libraries, frameworks and applications, but not registered: it means whatever the sending library or service says.",
    recovery: "Look the code up in the documentation of the library or service that sent it.",
    hint: "unregistered; see the sender's docs",
    reconnect: Reconnect::AppDefined,
    on_wire: true,
    defined_by: "RFC 6455 §7.4.2 (IANA first-come range)",
};

static PRIVATE_USE: Entry = Entry {
    name: "Private use",
    category: Category::Application,
    meaning: "4000-4999 is private use: no standard meaning, each service defines its own. For example 4001 'auth expired', 4002 'rate limited' and 4003 'unauthorized' are one common convention, not a standard; graphql-ws uses 4401 and 4403 instead.",
    recovery: "Check the sending service's documentation. Common practice: get new credentials before reconnecting after an auth code, and wait before reconnecting after a rate-limit code.",
    hint: "private code; meaning set by the service",
    reconnect: Reconnect::AppDefined,
    on_wire: true,
    defined_by: "RFC 6455 §7.4.2 (private use)",
};

static NOT_A_CLOSE_CODE: Entry = Entry {
    name: "Invalid close code",
    category: Category::Invalid,
    meaning: "Close codes run from 1000 to 4999: 0-999 are unused and 5000 and above are invalid. A peer that sends one is broken; libraries fail the connection with 1002.",
    recovery: "Find the sender and fix its close call.",
    hint: "not a valid close code",
    reconnect: Reconnect::AfterFix,
    on_wire: false,
    defined_by: "RFC 6455 §7.4.2",
};

/// A name a library prints for a code, e.g. gorilla's `CloseGoingAway`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Alias {
    pub code: u16,
    /// Short library id: `gorilla`, `coder`, `python-websockets`, `tungstenite`, …
    pub library: &'static str,
    pub name: &'static str,
}

const fn alias(code: u16, library: &'static str, name: &'static str) -> Alias {
    Alias {
        code,
        library,
        name,
    }
}

/// Symbolic names libraries print for codes (see shared reference §3).
/// Explanation strings (`(going away)`) are not here: they follow a number.
pub static ALIASES: &[Alias] = &[
    // gorilla/websocket constants
    alias(1000, "gorilla", "CloseNormalClosure"),
    alias(1001, "gorilla", "CloseGoingAway"),
    alias(1002, "gorilla", "CloseProtocolError"),
    alias(1003, "gorilla", "CloseUnsupportedData"),
    alias(1005, "gorilla", "CloseNoStatusReceived"),
    alias(1006, "gorilla", "CloseAbnormalClosure"),
    alias(1007, "gorilla", "CloseInvalidFramePayloadData"),
    alias(1008, "gorilla", "ClosePolicyViolation"),
    alias(1009, "gorilla", "CloseMessageTooBig"),
    alias(1010, "gorilla", "CloseMandatoryExtension"),
    alias(1011, "gorilla", "CloseInternalServerErr"),
    alias(1012, "gorilla", "CloseServiceRestart"),
    alias(1013, "gorilla", "CloseTryAgainLater"),
    alias(1015, "gorilla", "CloseTLSHandshake"),
    // coder/websocket StatusCode (stringer prints the same)
    alias(1000, "coder", "StatusNormalClosure"),
    alias(1001, "coder", "StatusGoingAway"),
    alias(1002, "coder", "StatusProtocolError"),
    alias(1003, "coder", "StatusUnsupportedData"),
    alias(1005, "coder", "StatusNoStatusRcvd"),
    alias(1006, "coder", "StatusAbnormalClosure"),
    alias(1007, "coder", "StatusInvalidFramePayloadData"),
    alias(1008, "coder", "StatusPolicyViolation"),
    alias(1009, "coder", "StatusMessageTooBig"),
    alias(1010, "coder", "StatusMandatoryExtension"),
    alias(1011, "coder", "StatusInternalError"),
    alias(1012, "coder", "StatusServiceRestart"),
    alias(1013, "coder", "StatusTryAgainLater"),
    alias(1014, "coder", "StatusBadGateway"),
    alias(1015, "coder", "StatusTLSHandshake"),
    // Python websockets CloseCode
    alias(1000, "python-websockets", "NORMAL_CLOSURE"),
    alias(1001, "python-websockets", "GOING_AWAY"),
    alias(1002, "python-websockets", "PROTOCOL_ERROR"),
    alias(1003, "python-websockets", "UNSUPPORTED_DATA"),
    alias(1005, "python-websockets", "NO_STATUS_RCVD"),
    alias(1006, "python-websockets", "ABNORMAL_CLOSURE"),
    alias(1007, "python-websockets", "INVALID_DATA"),
    alias(1008, "python-websockets", "POLICY_VIOLATION"),
    alias(1009, "python-websockets", "MESSAGE_TOO_BIG"),
    alias(1010, "python-websockets", "MANDATORY_EXTENSION"),
    alias(1011, "python-websockets", "INTERNAL_ERROR"),
    alias(1012, "python-websockets", "SERVICE_RESTART"),
    alias(1013, "python-websockets", "TRY_AGAIN_LATER"),
    alias(1014, "python-websockets", "BAD_GATEWAY"),
    alias(1015, "python-websockets", "TLS_HANDSHAKE"),
    // aiohttp WSCloseCode
    alias(1000, "aiohttp", "OK"),
    alias(1007, "aiohttp", "INVALID_TEXT"),
    // tungstenite CloseCode (Debug)
    alias(1000, "tungstenite", "Normal"),
    alias(1001, "tungstenite", "Away"),
    alias(1002, "tungstenite", "Protocol"),
    alias(1003, "tungstenite", "Unsupported"),
    alias(1005, "tungstenite", "Status"),
    alias(1006, "tungstenite", "Abnormal"),
    alias(1007, "tungstenite", "Invalid"),
    alias(1008, "tungstenite", "Policy"),
    alias(1009, "tungstenite", "Size"),
    alias(1010, "tungstenite", "Extension"),
    alias(1011, "tungstenite", "Error"),
    alias(1012, "tungstenite", "Restart"),
    alias(1013, "tungstenite", "Again"),
    alias(1015, "tungstenite", "Tls"),
    // .NET WebSocketCloseStatus
    alias(1000, "dotnet", "NormalClosure"),
    alias(1001, "dotnet", "EndpointUnavailable"),
    alias(1002, "dotnet", "ProtocolError"),
    alias(1003, "dotnet", "InvalidMessageType"),
    alias(1005, "dotnet", "Empty"),
    alias(1007, "dotnet", "InvalidPayloadData"),
    alias(1008, "dotnet", "PolicyViolation"),
    alias(1009, "dotnet", "MessageTooBig"),
    alias(1010, "dotnet", "MandatoryExtension"),
    alias(1011, "dotnet", "InternalServerError"),
    // Jakarta / javax CloseReason.CloseCodes
    alias(1000, "jakarta", "NORMAL_CLOSURE"),
    alias(1001, "jakarta", "GOING_AWAY"),
    alias(1002, "jakarta", "PROTOCOL_ERROR"),
    alias(1003, "jakarta", "CANNOT_ACCEPT"),
    alias(1004, "jakarta", "RESERVED"),
    alias(1005, "jakarta", "NO_STATUS_CODE"),
    alias(1006, "jakarta", "CLOSED_ABNORMALLY"),
    alias(1007, "jakarta", "NOT_CONSISTENT"),
    alias(1008, "jakarta", "VIOLATED_POLICY"),
    alias(1009, "jakarta", "TOO_BIG"),
    alias(1010, "jakarta", "NO_EXTENSION"),
    alias(1011, "jakarta", "UNEXPECTED_CONDITION"),
    alias(1012, "jakarta", "SERVICE_RESTART"),
    alias(1013, "jakarta", "TRY_AGAIN_LATER"),
    alias(1015, "jakarta", "TLS_HANDSHAKE_FAILURE"),
    // Netty WebSocketCloseStatus
    alias(1000, "netty", "NORMAL_CLOSURE"),
    alias(1001, "netty", "ENDPOINT_UNAVAILABLE"),
    alias(1002, "netty", "PROTOCOL_ERROR"),
    alias(1003, "netty", "INVALID_MESSAGE_TYPE"),
    alias(1005, "netty", "EMPTY"),
    alias(1006, "netty", "ABNORMAL_CLOSURE"),
    alias(1007, "netty", "INVALID_PAYLOAD_DATA"),
    alias(1008, "netty", "POLICY_VIOLATION"),
    alias(1009, "netty", "MESSAGE_TOO_BIG"),
    alias(1010, "netty", "MANDATORY_EXTENSION"),
    alias(1011, "netty", "INTERNAL_SERVER_ERROR"),
    alias(1012, "netty", "SERVICE_RESTART"),
    alias(1013, "netty", "TRY_AGAIN_LATER"),
    alias(1014, "netty", "BAD_GATEWAY"),
    alias(1015, "netty", "TLS_HANDSHAKE_FAILED"),
    // Spring CloseStatus
    alias(1000, "spring", "NORMAL"),
    alias(1001, "spring", "GOING_AWAY"),
    alias(1002, "spring", "PROTOCOL_ERROR"),
    alias(1003, "spring", "NOT_ACCEPTABLE"),
    alias(1005, "spring", "NO_STATUS_CODE"),
    alias(1006, "spring", "NO_CLOSE_FRAME"),
    alias(1007, "spring", "BAD_DATA"),
    alias(1008, "spring", "POLICY_VIOLATION"),
    alias(1009, "spring", "TOO_BIG_TO_PROCESS"),
    alias(1010, "spring", "REQUIRED_EXTENSION"),
    alias(1011, "spring", "SERVER_ERROR"),
    alias(1012, "spring", "SERVICE_RESTARTED"),
    alias(1013, "spring", "SERVICE_OVERLOAD"),
    alias(1015, "spring", "TLS_HANDSHAKE_FAILURE"),
    alias(4500, "spring", "SESSION_NOT_RELIABLE"),
    // Swift URLSessionWebSocketTask.CloseCode
    alias(1000, "swift", "normalClosure"),
    alias(1001, "swift", "goingAway"),
    alias(1002, "swift", "protocolError"),
    alias(1003, "swift", "unsupportedData"),
    alias(1005, "swift", "noStatusReceived"),
    alias(1006, "swift", "abnormalClosure"),
    alias(1007, "swift", "invalidFramePayloadData"),
    alias(1008, "swift", "policyViolation"),
    alias(1009, "swift", "messageTooBig"),
    alias(1010, "swift", "mandatoryExtensionMissing"),
    alias(1011, "swift", "internalServerError"),
    alias(1015, "swift", "tlsHandshakeFailure"),
    // Starscream CloseCode
    alias(1000, "starscream", "normal"),
    alias(1003, "starscream", "protocolUnhandledType"),
    alias(1007, "starscream", "encoding"),
    alias(1008, "starscream", "policyViolated"),
    // Jetty StatusCode
    alias(1000, "jetty", "NORMAL"),
    alias(1001, "jetty", "SHUTDOWN"),
    alias(1002, "jetty", "PROTOCOL"),
    alias(1003, "jetty", "BAD_DATA"),
    alias(1004, "jetty", "UNDEFINED"),
    alias(1005, "jetty", "NO_CODE"),
    alias(1006, "jetty", "NO_CLOSE"),
    alias(1006, "jetty", "ABNORMAL"),
    alias(1007, "jetty", "BAD_PAYLOAD"),
    alias(1008, "jetty", "POLICY_VIOLATION"),
    alias(1009, "jetty", "MESSAGE_TOO_LARGE"),
    alias(1010, "jetty", "REQUIRED_EXTENSION"),
    alias(1011, "jetty", "SERVER_ERROR"),
    alias(1012, "jetty", "SERVICE_RESTART"),
    alias(1013, "jetty", "TRY_AGAIN_LATER"),
    alias(1014, "jetty", "INVALID_UPSTREAM_RESPONSE"),
    alias(1015, "jetty", "FAILED_TLS_HANDSHAKE"),
    // Names seen in JS code bases and cheat sheets (third-party, lower confidence)
    alias(1000, "legacy-js", "CLOSE_NORMAL"),
    alias(1001, "legacy-js", "CLOSE_GOING_AWAY"),
    alias(1002, "legacy-js", "CLOSE_PROTOCOL_ERROR"),
    alias(1003, "legacy-js", "CLOSE_UNSUPPORTED"),
    alias(1005, "legacy-js", "CLOSED_NO_STATUS"),
    alias(1006, "legacy-js", "CLOSE_ABNORMAL"),
    alias(1009, "legacy-js", "CLOSE_TOO_LARGE"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    #[test]
    fn every_iana_code_is_present_once() {
        let mut seen = HashSet::new();
        for def in CODES {
            assert!(seen.insert(def.code), "duplicate code {}", def.code);
        }
        let expected: Vec<u16> = (1000..=1015).chain([3000, 3003, 3008]).collect();
        let mut got: Vec<u16> = seen.into_iter().collect();
        got.sort_unstable();
        assert_eq!(got, expected);
    }

    #[test]
    fn every_entry_is_complete() {
        let ranges = [
            &UNASSIGNED_PROTOCOL,
            &UNREGISTERED_APP,
            &PRIVATE_USE,
            &NOT_A_CLOSE_CODE,
        ];
        for entry in CODES.iter().map(|d| &d.entry).chain(ranges) {
            for (field, text) in [
                ("name", entry.name),
                ("meaning", entry.meaning),
                ("recovery", entry.recovery),
                ("hint", entry.hint),
                ("defined_by", entry.defined_by),
            ] {
                assert!(!text.trim().is_empty(), "{}: empty {field}", entry.name);
                assert!(
                    !text.contains(['⟪', '⟫', '\n', '\r', '\t']),
                    "{}: {field} has a character that would break annotations",
                    entry.name
                );
            }
            assert!(entry.hint.len() <= 72, "{}: hint too long", entry.name);
            assert!(!entry.meaning.ends_with(' '));
        }
    }

    #[test]
    fn local_only_codes_are_not_on_the_wire() {
        for code in [1004, 1005, 1006, 1015, 1016, 2999, 999, 5000] {
            assert!(!describe(code).entry.on_wire, "{code}");
        }
        for code in [1000, 1001, 1011, 1014, 3000, 3500, 4001] {
            assert!(describe(code).entry.on_wire, "{code}");
        }
    }

    #[test]
    fn ranges_fall_back_to_their_entry() {
        assert_eq!(describe(2500).entry.category, Category::Reserved);
        assert_eq!(describe(3001).entry.category, Category::Application);
        assert_eq!(describe(4001).entry.category, Category::Application);
        assert!(!describe(4001).exact);
        assert_eq!(describe(999).entry.category, Category::Invalid);
        assert_eq!(describe(5000).entry.category, Category::Invalid);
        assert!(!describe(5000).is_valid());
        assert!(describe(3000).exact);
        assert_eq!(describe(3000).entry.name, "Unauthorized");
    }

    #[test]
    fn errata_of_the_original_table_are_fixed() {
        // 1005 is an empty close frame, not "no close frame" (that is 1006).
        assert!(describe(1005)
            .entry
            .meaning
            .contains("carried no status code"));
        // 1008 is the generic policy code; "message too big" is 1009.
        assert!(!describe(1008).entry.meaning.contains("too large"));
        // 1015 is never sent by anyone, not "client-side only".
        assert!(describe(1015).entry.meaning.contains("never sent"));
        // 3000 is a registered code.
        assert_eq!(describe(3000).entry.name, "Unauthorized");
        // 4001-4003 are a convention, not a standard.
        assert!(describe(4001).entry.meaning.contains("not a standard"));
    }

    #[test]
    fn categories_and_reconnect_tokens_are_unique_and_parse() {
        let names: HashSet<_> = Category::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), Category::ALL.len());
        for c in Category::ALL {
            assert_eq!(c.as_str().parse::<Category>(), Ok(c));
            assert!(!c.describe().is_empty());
        }
        let tokens: HashSet<_> = Reconnect::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(tokens.len(), Reconnect::ALL.len());
    }

    #[test]
    fn aliases_are_unique_per_library_and_point_at_known_codes() {
        let mut per_library: HashMap<(&str, &str), u16> = HashMap::new();
        for a in ALIASES {
            let code = u32::from(a.code);
            assert!(
                describe(code).exact || a.code == 4500,
                "{} {} -> {code}",
                a.library,
                a.name
            );
            let before = per_library.insert((a.library, a.name), a.code);
            assert!(before.is_none(), "duplicate alias {} {}", a.library, a.name);
            assert!(a
                .name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        }
    }
}
