//! Logging. Spans name the method and the route pattern only: never the IP address, the
//! user agent, the query string or anything a person wrote.

use tracing_subscriber::{fmt::MakeWriter, EnvFilter};

/// Installs the global subscriber writing to `writer` (colours only for a terminal). Returns an error if the filter does
/// not parse; a second call (tests) is a no-op.
pub fn init<W>(filter: &str, ansi: bool, writer: W) -> Result<(), String>
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_new(filter).map_err(|e| format!("configuration: EMBASSY_DESK_LOG is not a valid log filter: {e}"))?;
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer).with_target(false).with_ansi(ansi).try_init();
    Ok(())
}
