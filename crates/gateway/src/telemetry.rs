//! Logs and traces: the log lines (text or JSON, `RUST_LOG`), and OpenTelemetry traces exported
//! over OTLP/HTTP when `observability.otlp_endpoint` is set (off by default).
//!
//! A trace holds the request's span (with its `request_id`), async-graphql's spans of parsing,
//! validation and execution and, with `observability.trace_resolvers`, one per object or list
//! field; one span per DataLoader batch (`loader`, with the loader's type and its key count); and
//! one event per SQL statement (`statement`, with its text and duration) in the span that sent
//! it. Spans other than the request's are at DEBUG level: with no exporter configured they are
//! never created, so the read path pays nothing for them.

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::Layer;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::config::{Config, LogFormat};

/// The trace exporter, flushed by [`Telemetry::shutdown`] when the process ends.
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Exports the spans still queued; waits at most the exporter's timeout.
    pub fn shutdown(self) {
        if let Some(p) = self.provider
            && let Err(e) = p.shutdown()
        {
            eprintln!("warning: traces not all exported at exit: {e}");
        }
    }
}

/// An OTLP/HTTP (protobuf) exporter to `endpoint` (the full URL, e.g.
/// `http://otel-collector:4318/v1/traces`), its spans named by `service`, in batches from a
/// background thread; and the tracing layer that feeds it, which takes every span and event at
/// DEBUG and above from the gateway's own crates, async-graphql and the domains.
pub fn otlp<S>(endpoint: &str, service: &str) -> anyhow::Result<(impl Layer<S>, SdkTracerProvider)>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a> + Send + Sync,
{
    use opentelemetry_otlp::WithExportConfig;
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_endpoint(endpoint)
        .with_timeout(std::time::Duration::from_secs(5))
        .build()
        .map_err(|e| anyhow::anyhow!("observability.otlp_endpoint {endpoint}: {e}"))?;
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(
            opentelemetry_sdk::Resource::builder_empty()
                .with_service_name(service.to_owned())
                .build(),
        )
        .build();
    let filter = tracing_subscriber::filter::Targets::new()
        .with_default(tracing::Level::INFO)
        .with_target("keluarga", tracing::Level::DEBUG)
        .with_target("async_graphql", tracing::Level::DEBUG);
    let layer = tracing_opentelemetry::layer()
        .with_tracer(provider.tracer("keluarga-gateway"))
        .with_filter(filter);
    Ok((layer, provider))
}

/// Installs the process's subscriber: log lines on stderr in the configured format, filtered by
/// `RUST_LOG` (default `info`), and the OTLP exporter when configured.
pub fn init(cfg: &Config) -> anyhow::Result<Telemetry> {
    let filter = || {
        tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| "info,sqlx=warn,sea_orm_migration=warn".into())
    };
    let logs = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let logs = match cfg.log_format() {
        LogFormat::Json => logs.json().with_filter(filter()).boxed(),
        LogFormat::Text => logs.with_filter(filter()).boxed(),
    };
    let registry = tracing_subscriber::registry().with(logs);
    let endpoint = cfg.observability.otlp_endpoint.trim();
    if endpoint.is_empty() {
        registry.init();
        return Ok(Telemetry { provider: None });
    }
    let (layer, provider) = otlp(endpoint, &cfg.observability.service_name)?;
    registry.with(layer).init();
    Ok(Telemetry {
        provider: Some(provider),
    })
}
