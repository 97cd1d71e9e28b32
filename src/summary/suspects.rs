//! Known defaults the diagnosis names: idle timeouts of proxies and load
//! balancers (a connection that closes at a fixed age is most often one of
//! them), message-size limits (1009) and heartbeat settings. Each value
//! comes with the documentation page that states it; check it there before
//! changing it here.

/// A documented default timeout that closes idle connections.
#[derive(Debug, PartialEq, Eq)]
pub struct Suspect {
    /// The product (`nginx`, `AWS ALB`).
    pub product: &'static str,
    /// The setting that controls it.
    pub setting: &'static str,
    /// Its default, in milliseconds.
    pub default_ms: u64,
    /// Where the default is documented.
    pub doc: &'static str,
}

/// Idle timeouts and connection-lifetime caps, by default value.
pub const IDLE_TIMEOUTS: &[Suspect] = &[
    Suspect {
        product: "Google Cloud external Application Load Balancer",
        setting: "backend service timeout (timeoutSec; caps a WebSocket's whole lifetime)",
        default_ms: 30_000,
        doc: "https://cloud.google.com/load-balancing/docs/backend-service#timeout-setting",
    },
    Suspect {
        product: "Jetty",
        setting: "WebSocket idleTimeout",
        default_ms: 30_000,
        doc: "https://eclipse.dev/jetty/javadoc/jetty-12/org/eclipse/jetty/websocket/core/WebSocketConstants.html",
    },
    Suspect {
        product: "OpenShift router",
        setting: "tuningOptions.clientTimeout / serverTimeout",
        default_ms: 30_000,
        doc: "https://docs.openshift.com/container-platform/latest/rest_api/operator_apis/ingresscontroller-operator-openshift-io-v1.html",
    },
    Suspect {
        product: "Heroku router",
        setting: "rolling 55 s idle window (fixed)",
        default_ms: 55_000,
        doc: "https://devcenter.heroku.com/articles/http-routing#timeouts",
    },
    Suspect {
        product: "nginx",
        setting: "proxy_read_timeout",
        default_ms: 60_000,
        doc: "https://nginx.org/en/docs/http/websocket.html",
    },
    Suspect {
        product: "ingress-nginx",
        setting: "proxy-read-timeout",
        default_ms: 60_000,
        doc: "https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/configmap/",
    },
    Suspect {
        product: "AWS Application Load Balancer",
        setting: "idle_timeout.timeout_seconds",
        default_ms: 60_000,
        doc: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html",
    },
    Suspect {
        product: "AWS Classic Load Balancer",
        setting: "ConnectionSettings.IdleTimeout",
        default_ms: 60_000,
        doc: "https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/config-idle-timeout.html",
    },
    Suspect {
        product: "Traefik (v2.11.2+, v3)",
        setting: "respondingTimeouts.readTimeout",
        default_ms: 60_000,
        doc: "https://doc.traefik.io/traefik/reference/static-configuration/cli/",
    },
    Suspect {
        product: "Cloudflare",
        setting: "Proxy Read Timeout",
        default_ms: 100_000,
        doc: "https://developers.cloudflare.com/fundamentals/reference/connection-limits/",
    },
    Suspect {
        product: "Traefik",
        setting: "respondingTimeouts.idleTimeout",
        default_ms: 180_000,
        doc: "https://doc.traefik.io/traefik/reference/static-configuration/cli/",
    },
    Suspect {
        product: "Azure Load Balancer",
        setting: "idleTimeoutInMinutes",
        default_ms: 240_000,
        doc: "https://learn.microsoft.com/en-us/azure/load-balancer/load-balancer-tcp-idle-timeout",
    },
    Suspect {
        product: "Google Cloud Run",
        setting: "request timeout (--timeout; applies to WebSockets)",
        default_ms: 300_000,
        doc: "https://cloud.google.com/run/docs/configuring/request-timeout",
    },
    Suspect {
        product: "Envoy",
        setting: "stream_idle_timeout",
        default_ms: 300_000,
        doc: "https://www.envoyproxy.io/docs/envoy/latest/faq/configuration/timeouts",
    },
    Suspect {
        product: "Azure Front Door",
        setting: "WebSocket idle timeout (fixed)",
        default_ms: 300_000,
        doc: "https://learn.microsoft.com/en-us/azure/frontdoor/standard-premium/websocket",
    },
    Suspect {
        product: "AWS Network Load Balancer",
        setting: "tcp.idle_timeout.seconds",
        default_ms: 350_000,
        doc: "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/update-idle-timeout.html",
    },
    Suspect {
        product: "AWS API Gateway WebSocket API",
        setting: "idle connection timeout (fixed)",
        default_ms: 600_000,
        doc: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-execution-service-websocket-limits-table.html",
    },
    Suspect {
        product: "Cloudflare",
        setting: "Proxy Idle Timeout",
        default_ms: 900_000,
        doc: "https://developers.cloudflare.com/fundamentals/reference/connection-limits/",
    },
    Suspect {
        product: "Envoy",
        setting: "idle_timeout (common_http_protocol_options)",
        default_ms: 3_600_000,
        doc: "https://www.envoyproxy.io/docs/envoy/latest/faq/configuration/timeouts",
    },
    Suspect {
        product: "OpenShift router",
        setting: "tuningOptions.tunnelTimeout",
        default_ms: 3_600_000,
        doc: "https://docs.openshift.com/container-platform/latest/rest_api/operator_apis/ingresscontroller-operator-openshift-io-v1.html",
    },
    Suspect {
        product: "AWS API Gateway WebSocket API",
        setting: "maximum connection duration (fixed)",
        default_ms: 7_200_000,
        doc: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-execution-service-websocket-limits-table.html",
    },
    Suspect {
        product: "Azure Front Door",
        setting: "maximum WebSocket connection time (fixed)",
        default_ms: 14_400_000,
        doc: "https://learn.microsoft.com/en-us/azure/frontdoor/standard-premium/websocket",
    },
];

/// What to do about heartbeat failures, with the common libraries' settings.
pub const HEARTBEAT_ADVICE: &str = "The peer stopped answering pings in time: a blocked event loop or a busy worker, a suspended client (mobile app in the background, laptop asleep), or a network path that drops packets. Check the side that stopped answering; tune the ping interval and timeout together (Python websockets ping_interval/ping_timeout, 20 s each by default; Socket.IO pingInterval 25 s / pingTimeout 20 s; SignalR KeepAliveInterval 15 s / ClientTimeoutInterval 30 s; uvicorn --ws-ping-interval/--ws-ping-timeout, 20 s each; ASP.NET Core KeepAliveInterval 2 min; OkHttp pingInterval, off by default; gorilla and Node ws have none built in: ping from a ticker and drop peers whose pong is late) and keep the interval below the shortest idle timeout on the path.";

/// What to do about 1009, with where the common libraries set the limit.
pub const MESSAGE_SIZE_ADVICE: &str = "The receiver refused a message over its size limit. Send smaller messages (paginate, compress, or upload large payloads over HTTP), or raise the receiver's limit: Python websockets max_size (1 MiB by default), Node ws maxPayload (100 MiB), gorilla/websocket Conn.SetReadLimit (none by default), coder/websocket SetReadLimit (32 KiB), Jetty maxTextMessageSize (64 KiB), Tomcat maxTextMessageBufferSize (8 KiB), Spring STOMP setMessageSizeLimit (64 KiB), uWebSockets.js maxPayloadLength (16 KiB), AWS API Gateway (128 KB a message, fixed), SignalR MaximumReceiveMessageSize (32 KB), Socket.IO maxHttpBufferSize (1 MB), tungstenite max_message_size (64 MiB), aiohttp max_msg_size (4 MiB), uvicorn --ws-max-size (16 MiB).";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_every_row_cites_a_page() {
        assert!(IDLE_TIMEOUTS
            .windows(2)
            .all(|w| w[0].default_ms <= w[1].default_ms));
        for s in IDLE_TIMEOUTS {
            assert!(s.doc.starts_with("https://"), "{}", s.product);
            assert!(s.default_ms >= 1000 && !s.setting.is_empty());
        }
    }
}
