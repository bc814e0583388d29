//! `microcred serve`, `microcred demo` and `microcred import results`: the platform.

use crate::output::outln;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use microcred_app::AllianceSettings;
use microcred_app::platform::Platform;
use microcred_app::platform::setup::{KEY_FILE, KEY_VARIABLE, KeySource, Setup, redact};
use microcred_app::results::open_results_file;

use crate::{OutputFormat, exit};

/// Where the platform's data is and where it listens.
#[derive(Args, Clone)]
pub struct ServerArgs {
    /// Address to listen on (127.0.0.1:0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The data folder: the SQLite database and the key-encryption key file.
    #[arg(long, env = "MICROCRED_DATA", value_name = "DIR")]
    data: Option<PathBuf>,
    /// PostgreSQL for the scale-out path (postgres://…); SQLite in the data folder if absent.
    #[arg(long, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    database_url: Option<String>,
    /// The URL people and verifiers reach the platform at (DIDs and links are made from it);
    /// by default http:// and the listening address.
    #[arg(long, env = "MICROCRED_PUBLIC_URL", value_name = "URL")]
    public_url: Option<String>,
}

impl ServerArgs {
    fn setup(
        &self,
        default_data: &str,
        settings: Option<AllianceSettings>,
        listen: SocketAddr,
    ) -> Setup {
        Setup {
            data: self
                .data
                .clone()
                .unwrap_or_else(|| PathBuf::from(default_data)),
            database_url: self.database_url.clone().filter(|u| !u.is_empty()),
            public_url: self
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{listen}")),
            settings,
        }
    }
}

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Import learners' results (CSV or XLSX) as a registrar, with a progress bar.
    Results {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The registrar's account (e-mail) the results are recorded as.
        #[arg(long = "as", value_name = "EMAIL")]
        account: String,
        #[command(flatten)]
        server: ServerArgs,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Install an e-seal (from a trust service provider: PKCS#12 with its password in
    /// MICROCRED_PKCS12_PASSWORD, or PEM files) for a university or the alliance, as an
    /// administrator: the platform seals that issuer's Europass EDCs with it from now on.
    Seal {
        /// The university's id (e.g. `wut`), or `alliance`.
        #[arg(long = "for", value_name = "ID")]
        owner: String,
        #[command(flatten)]
        seal: crate::keys::SealFiles,
        /// The administrator's account (e-mail).
        #[arg(long = "as", value_name = "EMAIL")]
        account: String,
        #[command(flatten)]
        server: ServerArgs,
    },
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new("warn,microcred=info,tower_http=info")
    });
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}

fn runtime() -> Option<tokio::runtime::Runtime> {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => Some(runtime),
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            None
        }
    }
}

async fn open(setup: &Setup) -> Option<Platform> {
    match setup.open().await {
        Ok((platform, source)) => {
            if source == KeySource::NewFile {
                eprintln!(
                    "note: signing keys are encrypted with a new key in {}; in production give it in {KEY_VARIABLE} instead, kept apart from the data",
                    setup.data.join(KEY_FILE).display()
                );
            }
            Some(platform)
        }
        Err(e) => {
            eprintln!("error: {e}");
            None
        }
    }
}

async fn listen(address: SocketAddr) -> Option<tokio::net::TcpListener> {
    match tokio::net::TcpListener::bind(address).await {
        Ok(listener) => Some(listener),
        Err(e) => {
            eprintln!("error: cannot listen on {address}: {e} (choose another with --listen)");
            None
        }
    }
}

/// Opens the platform of `server`'s data and does `work` with it.
pub fn open_platform(
    server: &ServerArgs,
    settings: Option<AllianceSettings>,
    work: impl AsyncFnOnce(&Platform) -> u8,
) -> u8 {
    let Some(runtime) = runtime() else {
        return exit::UNREADABLE;
    };
    runtime.block_on(async {
        let setup = server.setup("microcred-data", settings, server.listen);
        let Some(platform) = open(&setup).await else {
            return exit::UNREADABLE;
        };
        work(&platform).await
    })
}

/// `microcred serve`
pub fn serve(args: ServerArgs, settings: Option<AllianceSettings>) -> u8 {
    init_logging();
    let Some(runtime) = runtime() else {
        return exit::UNREADABLE;
    };
    runtime.block_on(async {
        let Some(listener) = listen(args.listen).await else {
            return exit::UNREADABLE;
        };
        let address = listener.local_addr().unwrap_or(args.listen);
        let setup = args.setup("microcred-data", settings, address);
        let Some(platform) = open(&setup).await else {
            return exit::UNREADABLE;
        };
        outln!(
            "microcred serving {} ({}) on http://{address} — Ctrl-C stops",
            setup.public_url,
            redact(&setup.database())
        );
        match microcred_server::serve(listener, platform).await {
            Ok(()) => exit::OK,
            Err(e) => {
                eprintln!("error: {e}");
                exit::UNREADABLE
            }
        }
    })
}

/// `microcred demo`
pub fn demo(args: ServerArgs, no_serve: bool, settings: Option<AllianceSettings>) -> u8 {
    init_logging();
    let Some(runtime) = runtime() else {
        return exit::UNREADABLE;
    };
    runtime.block_on(async {
        let listener = if no_serve {
            None
        } else {
            match listen(args.listen).await {
                Some(listener) => Some(listener),
                None => return exit::UNREADABLE,
            }
        };
        let address = listener.as_ref().and_then(|l| l.local_addr().ok()).unwrap_or(args.listen);
        let setup = args.setup("microcred-demo", settings, address);
        let Some(platform) = open(&setup).await else { return exit::UNREADABLE };
        let demo = match platform.demo().await {
            Ok(demo) => demo,
            Err(e) => {
                eprintln!("error: the demo could not be set up: {e}");
                return exit::UNREADABLE;
            }
        };
        let base = setup.public_url.trim_end_matches('/');
        outln!(
            "microcred demo: the ENHANCE alliance with WUT, TU Berlin and RWTH; seven specifications (five published, among them the ENHANCE Label in data literacy stacking three data literacy micro-credentials and one from outside the alliance; one in review; one draft); twelve learners; {} credentials, one revoked, one suspended{}",
            demo.credentials_issued,
            if demo.created { "" } else { " (already set up in this data folder)" }
        );
        outln!("  data        {} ({})", setup.data.display(), redact(&setup.database()));
        outln!("  web pages   {base}/   (sign in: {base}/sign-in; verify a credential: {base}/verify)");
        outln!("  API         {base}/api/v1   (OpenAPI: {base}/api/v1/openapi.json)");
        outln!("  catalogue   {base}/api/v1/catalogue");
        outln!("  trust list  {base}/api/v1/trust-list");
        outln!("  VC API      {base}/credentials/issue, {base}/credentials/verify, {base}/presentations/verify");
        if let Some(id) = &demo.example_credential {
            outln!("  a credential: {base}/verify?credential={id} (Zoë's, shared); signed in as zoe@learner.example, GET {base}/api/v1/credentials/{id}/credential.json");
        }
        outln!("Sign in on {base}/sign-in, or with POST {base}/api/v1/session {{\"email\", \"password\"}}; every password is \"{}\":", demo.password);
        for login in &demo.logins {
            outln!("  {:<24} {}", login.role, login.email);
        }
        let Some(listener) = listener else { return exit::OK };
        outln!("serving on http://{address} — Ctrl-C stops");
        match microcred_server::serve(listener, platform).await {
            Ok(()) => exit::OK,
            Err(e) => {
                eprintln!("error: {e}");
                exit::UNREADABLE
            }
        }
    })
}

/// `microcred setup`: the alliance and its first administrator, on an empty database.
pub fn setup(
    args: ServerArgs,
    alliance: String,
    admin: String,
    settings: Option<AllianceSettings>,
) -> u8 {
    open_platform(&args, settings, async |platform| {
        let (password, generated) = match std::env::var("MICROCRED_ADMIN_PASSWORD") {
            Ok(p) if !p.is_empty() => (p, false),
            _ => match microcred_app::platform::auth::random_password() {
                Ok(p) => (p, true),
                Err(e) => {
                    eprintln!("error: {e}");
                    return exit::UNREADABLE;
                }
            },
        };
        match platform.setup(&alliance, &admin, &password).await {
            Ok(record) => {
                outln!(
                    "set up {} ({}) with administrator {admin}",
                    alliance,
                    record.did
                );
                if generated {
                    outln!("the administrator's password (shown once; change it): {password}");
                }
                exit::OK
            }
            Err(e) => {
                eprintln!("error: {e}");
                exit::UNREADABLE
            }
        }
    })
}

/// `microcred import seal`
fn import_seal(
    owner: String,
    source: microcred_app::keys::SealSource<'_>,
    account: String,
    server: ServerArgs,
    settings: Option<AllianceSettings>,
) -> u8 {
    let (key, chain, _) = match microcred_app::keys::read_seal(&source) {
        Ok(read) => read,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::UNREADABLE;
        }
    };
    open_platform(&server, settings, async |platform| {
        let actor = match platform.account_by_email(&account).await {
            Ok(actor) => actor,
            Err(e) => {
                eprintln!("error: {e}");
                return exit::UNREADABLE;
            }
        };
        match platform.install_seal(&actor, &owner, &key, &chain).await {
            Ok(view) => {
                outln!("installed {} for {owner}", view.id);
                if let Some(certificate) = &view.certificate {
                    let kind = if certificate.self_signed {
                        " (self-signed)"
                    } else {
                        ""
                    };
                    outln!("certificate: {}{kind}", certificate.subject);
                    outln!("issued by:   {}", certificate.issuer);
                    outln!("valid until: {}", certificate.not_after);
                }
                exit::OK
            }
            Err(e) => {
                eprintln!("error: {e}");
                exit::FINDINGS
            }
        }
    })
}

/// `microcred import …`
pub fn import(command: ImportCommand, settings: Option<AllianceSettings>) -> u8 {
    let (file, account, server, format) = match command {
        ImportCommand::Results {
            file,
            account,
            server,
            format,
        } => (file, account, server, format),
        ImportCommand::Seal {
            owner,
            seal,
            account,
            server,
        } => {
            let password = crate::keys::SealFiles::password();
            let Some(source) = seal.source(&password) else {
                return exit::UNREADABLE;
            };
            return import_seal(owner, source, account, server, settings);
        }
    };
    open_platform(&server, settings, async |platform| {
        let actor = match platform.account_by_email(&account).await {
            Ok(actor) => actor,
            Err(e) => {
                eprintln!("error: {e}");
                return exit::UNREADABLE;
            }
        };
        let name = file.display().to_string();
        let bar = ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template(
                "{spinner} importing {msg}: {pos} rows ({per_sec}, {elapsed})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(name.clone());
        let mut progress = |rows: u64| bar.set_position(rows);
        let rows = match open_results_file(&file) {
            Ok(rows) => rows,
            Err(e) => {
                eprintln!("error: {e}");
                return exit::UNREADABLE;
            }
        };
        let outcome = platform
            .import_results(&actor, &name, rows, &mut progress)
            .await;
        bar.finish_and_clear();
        let report = match outcome {
            Ok(report) => report,
            Err(e) => {
                eprintln!("error: {e}");
                return exit::UNREADABLE;
            }
        };
        match format {
            OutputFormat::Json => outln!(
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            ),
            OutputFormat::Human => {
                outln!(
                    "{name}: {} rows stored ({} new learners), {} refused (import {})",
                    report.rows_stored,
                    report.learners_created,
                    report.rows_refused,
                    report.import_id
                );
                for problem in &report.problems {
                    outln!("  {name}: {problem}");
                }
            }
        }
        if report.problems.is_empty() {
            exit::OK
        } else {
            exit::FINDINGS
        }
    })
}
