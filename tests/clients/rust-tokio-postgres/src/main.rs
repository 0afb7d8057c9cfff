//! pgtls-tokio-postgres CONNINFO: connect with tokio-postgres over rustls
//! and print one line, "ok" or "error: <the driver's message>".
//!
//! CONNINFO is libpq's key=value form (no quoting): host, hostaddr, port,
//! user, dbname, sslrootcert and sslmode are read here, because
//! tokio-postgres's own parser knows only sslmode=disable|prefer|require and
//! no sslrootcert. The TLS side is what tokio-postgres-rustls does (it is not
//! packaged in Debian, so its MakeTlsConnect/TlsConnect adapter is written out
//! below): a rustls ClientConfig whose RootCertStore holds every certificate
//! of sslrootcert (none without it), with rustls's default WebPkiVerifier,
//! and the host name handed to tokio-postgres's make_tls_connect turned into
//! a rustls ServerName (a DNS name, or an IP address literal). The connector
//! verifies whatever sslmode says (require included): sslmode only decides
//! disable/prefer/require in tokio-postgres.
//!
//! sslmode=verify-ca: tokio-postgres-rustls has no such mode, and rustls has
//! no chain-only check without a custom ServerCertVerifier. This program
//! stands one in, built on WebPkiVerifier: it forgives only webpki's name
//! mismatch (CertNotValidForName), as sqlx's NoHostnameTlsVerifier does for
//! its verify-ca; every other failure stays (over rustls 0.20 that includes
//! an IP host, which WebPkiVerifier refuses before the chain).
//!
//! hostaddr=ADDR: tokio-postgres 0.7.7 has no hostaddr; the TCP connection
//! goes to ADDR and Config::connect_raw runs TLS with the name from host, as
//! tokio-postgres >= 0.7.8 does with hostaddr.
//!
//! `pgtls-tokio-postgres --version` prints the versions it was built with.
use std::error::Error as StdError;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use rustls::client::{ServerCertVerified, ServerCertVerifier, WebPkiVerifier};
use rustls::{Certificate, ClientConfig, RootCertStore, ServerName};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect, TlsStream};

/// tokio-postgres-rustls's MakeRustlsConnect: one ClientConfig for every host.
#[derive(Clone)]
struct MakeRustlsConnect {
    config: Arc<ClientConfig>,
}

struct RustlsConnect {
    name: ServerName,
    connector: tokio_rustls::TlsConnector,
}

struct RustlsStream<S>(tokio_rustls::client::TlsStream<S>);

impl<S> MakeTlsConnect<S> for MakeRustlsConnect
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = RustlsStream<S>;
    type TlsConnect = RustlsConnect;
    type Error = io::Error;

    fn make_tls_connect(&mut self, domain: &str) -> io::Result<RustlsConnect> {
        let name = ServerName::try_from(domain)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, format!("invalid server name \"{}\"", domain)))?;
        Ok(RustlsConnect {
            name,
            connector: tokio_rustls::TlsConnector::from(self.config.clone()),
        })
    }
}

impl<S> TlsConnect<S> for RustlsConnect
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = RustlsStream<S>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<RustlsStream<S>>> + Send>>;

    fn connect(self, stream: S) -> Self::Future {
        Box::pin(async move { self.connector.connect(self.name, stream).await.map(RustlsStream) })
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for RustlsStream<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for RustlsStream<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> TlsStream for RustlsStream<S> {
    // tokio-postgres-rustls hashes the server certificate for
    // tls-server-end-point; the test server asks for no SCRAM, so none here
    fn channel_binding(&self) -> ChannelBinding {
        ChannelBinding::none()
    }
}

/// The verify-ca stand-in: WebPkiVerifier, a name mismatch forgiven.
struct NoHostnameVerifier(WebPkiVerifier);

impl ServerCertVerifier for NoHostnameVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &Certificate,
        intermediates: &[Certificate],
        server_name: &ServerName,
        scts: &mut dyn Iterator<Item = &[u8]>,
        ocsp_response: &[u8],
        now: SystemTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.0.verify_server_cert(end_entity, intermediates, server_name, scts, ocsp_response, now) {
            Err(rustls::Error::InvalidCertificateData(why)) if why.contains("CertNotValidForName") => {
                Ok(ServerCertVerified::assertion())
            }
            r => r,
        }
    }
}

fn roots(path: Option<&str>) -> Result<RootCertStore, String> {
    let mut store = RootCertStore::empty();
    if let Some(path) = path {
        let pem = std::fs::read(path).map_err(|e| format!("could not read root certificate file \"{}\": {}", path, e))?;
        let ders = rustls_pemfile::certs(&mut &pem[..])
            .map_err(|e| format!("could not parse root certificate file \"{}\": {}", path, e))?;
        store.add_parsable_certificates(&ders);
    }
    Ok(store)
}

fn tls_config(sslmode: &str, sslrootcert: Option<&str>) -> Result<ClientConfig, String> {
    let store = roots(sslrootcert)?;
    let builder = ClientConfig::builder().with_safe_defaults();
    let config = if sslmode == "verify-ca" {
        builder
            .with_custom_certificate_verifier(Arc::new(NoHostnameVerifier(WebPkiVerifier::new(store, None))))
            .with_no_client_auth()
    } else {
        builder.with_root_certificates(store).with_no_client_auth()
    };
    Ok(config)
}

/// The message and its causes, each once.
fn message(e: &(dyn StdError + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        let t = s.to_string();
        if !out.contains(&t) {
            out = format!("{}: {}", out, t);
        }
        cur = s.source();
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn run(kv: &[(String, String)]) -> Result<(), String> {
    let get = |k: &str| kv.iter().rev().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    let host = get("host").unwrap_or("localhost");
    let port: u16 = get("port").unwrap_or("5432").parse().map_err(|_| "invalid port".to_string())?;
    let sslmode = get("sslmode").unwrap_or("prefer");
    let mut config = tokio_postgres::Config::new();
    config
        .host(host)
        .port(port)
        .user(get("user").unwrap_or("postgres"))
        .dbname(get("dbname").unwrap_or("postgres"))
        .connect_timeout(Duration::from_secs(5))
        .ssl_mode(match sslmode {
            "disable" => tokio_postgres::config::SslMode::Disable,
            "allow" | "prefer" => tokio_postgres::config::SslMode::Prefer,
            _ => tokio_postgres::config::SslMode::Require,
        });
    let mut tls = MakeRustlsConnect {
        config: Arc::new(tls_config(sslmode, get("sslrootcert"))?),
    };
    // the connection runs beside the client until the client is dropped
    let (client, conn) = match get("hostaddr") {
        Some(addr) => {
            let stream = tokio::net::TcpStream::connect((addr, port)).await.map_err(|e| message(&e))?;
            let connect = MakeTlsConnect::<tokio::net::TcpStream>::make_tls_connect(&mut tls, host)
                .map_err(|e| message(&e))?;
            let (client, connection) = config.connect_raw(stream, connect).await.map_err(|e| message(&e))?;
            (client, tokio::spawn(async move { connection.await.map_err(|e| message(&e)) }))
        }
        None => {
            let (client, connection) = config.connect(tls).await.map_err(|e| message(&e))?;
            (client, tokio::spawn(async move { connection.await.map_err(|e| message(&e)) }))
        }
    };
    client.simple_query("SELECT 1").await.map_err(|e| message(&e))?;
    drop(client);
    let _ = conn.await;
    Ok(())
}

fn main() {
    let arg = std::env::args().nth(1).unwrap_or_default();
    if arg == "--version" {
        println!(
            "{}",
            option_env!("PGTLS_DRIVER_VERSIONS").unwrap_or("tokio-postgres + rustls (versions not recorded at build time)")
        );
        return;
    }
    let kv: Vec<(String, String)> = arg
        .split_whitespace()
        .filter_map(|w| w.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
        .collect();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let result = rt.block_on(async { tokio::time::timeout(Duration::from_secs(20), run(&kv)).await });
    match result {
        Ok(Ok(())) => println!("ok"),
        Ok(Err(e)) => println!("error: {}", e),
        Err(_) => println!("error: timed out after 20 s"),
    }
}
