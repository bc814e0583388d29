//! `microcred`: the command line of the micro-credential platform.

mod certificate;
mod credential;
mod grades;
mod issue;
mod keys;
mod output;
mod platform;
mod profiles;
mod render;
mod spec;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use microcred_app::{AllianceSettings, Checker};

/// Exit codes, the same for every command.
pub mod exit {
    /// Done; nothing required is missing.
    pub const OK: u8 = 0;
    /// Done, and what was checked does not meet its rules (or a credential is not verified,
    /// or some rows could not be used).
    pub const FINDINGS: u8 = 1;
    /// A file could not be read or parsed, or the command was wrong.
    pub const UNREADABLE: u8 = 2;
    /// The output could not be written: a closed pipe (`| head`), a full disk.
    pub const OUTPUT: u8 = 3;
}

#[derive(Parser)]
#[command(
    name = "microcred",
    version,
    about = "Micro-credentials for European university alliances"
)]
struct Cli {
    /// The alliance's settings file (default profiles, its own profiles and catalogues).
    #[arg(long, global = true, env = "MICROCRED_ALLIANCE", value_name = "FILE")]
    alliance: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Micro-credential specifications: check them against the framework rules.
    #[command(subcommand)]
    Spec(spec::SpecCommand),
    /// Rule profiles: the frameworks' rules, as data.
    #[command(subcommand)]
    Profiles(profiles::ProfilesCommand),
    /// Signing keys of issuers: generate them, publish them as did:web documents.
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// Signed credentials: sign and verify them.
    #[command(subcommand)]
    Credential(credential::CredentialCommand),
    /// Grades: convert them between universities' scales by grade distribution tables.
    #[command(subcommand)]
    Grades(grades::GradesCommand),
    /// Issue signed Open Badges 3.0 micro-credentials to the eligible learners of a results file.
    Issue(issue::IssueArgs),
    /// Print a signed credential as a certificate: A4 PDF (the credential attached) or PNG pages.
    Render(Box<certificate::RenderArgs>),
    /// Run the platform: HTTP API, VC API, DID documents, status lists.
    Serve(platform::ServerArgs),
    /// Set up the demonstration alliance (once per data folder) and serve it.
    Demo {
        #[command(flatten)]
        server: platform::ServerArgs,
        /// Set up and print the logins, but do not serve.
        #[arg(long)]
        no_serve: bool,
    },
    /// Set up a new platform: the alliance and its first administrator (password from
    /// MICROCRED_ADMIN_PASSWORD, or made and shown once).
    Setup {
        #[command(flatten)]
        server: platform::ServerArgs,
        /// The alliance's name.
        #[arg(long, value_name = "NAME")]
        alliance_name: String,
        /// The first administrator's e-mail.
        #[arg(long, value_name = "EMAIL")]
        admin: String,
    },
    /// Import data into the platform.
    #[command(subcommand)]
    Import(platform::ImportCommand),
}

/// How a command writes what it found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// For people, with the source line quoted.
    #[default]
    Human,
    /// For programs.
    Json,
}

fn main() -> ExitCode {
    // clap exits 2 on a wrong command line, matching `exit::UNREADABLE`.
    let cli = Cli::parse();
    let settings = match cli
        .alliance
        .as_deref()
        .map(AllianceSettings::load)
        .transpose()
    {
        Ok(settings) => settings,
        Err(error) => return fail(&error),
    };
    let checker = match Checker::new(settings.clone()) {
        Ok(checker) => checker,
        Err(error) => return fail(&error),
    };
    let code = match cli.command {
        Command::Spec(command) => spec::run(command, checker),
        Command::Profiles(command) => profiles::run(command, &checker),
        Command::Keys(command) => keys::run(command),
        Command::Credential(command) => credential::run(command),
        Command::Grades(command) => grades::run(command),
        Command::Issue(args) => issue::run(args, &checker),
        Command::Serve(server) => platform::serve(server, settings),
        Command::Demo { server, no_serve } => platform::demo(server, no_serve, settings),
        Command::Setup {
            server,
            alliance_name,
            admin,
        } => platform::setup(server, alliance_name, admin, settings),
        Command::Import(command) => platform::import(command, settings),
        Command::Render(args) => certificate::run(*args, settings),
    };
    ExitCode::from(code)
}

fn fail(error: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::from(exit::UNREADABLE)
}
