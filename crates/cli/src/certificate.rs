//! `microcred render`: a signed credential as a printed certificate (PDF, or PNG pages).

use crate::output::outln;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use microcred_app::AllianceSettings;
use microcred_app::certificate::{
    Presentation, PrintFormat, PrintImage, PrintedParty, PrintedSignatory,
    default_verification_url, lay_out_certificate,
};
use microcred_app::platform::logos::{MAX_LOGO_BYTES, image_facts};
use microcred_app::read_bytes;
use microcred_credentials::verify::MAX_CREDENTIAL_BYTES;
use microcred_render::{DEFAULT_PIXELS_PER_POINT, MAX_TEMPLATE_BYTES, Template};

use crate::exit;
use crate::platform::{ServerArgs, open_platform};

#[derive(Clone, Copy, Default, ValueEnum)]
pub enum FormatArg {
    /// A4 PDF/A-3 with the signed credential attached.
    #[default]
    Pdf,
    /// PNG page images (144 dpi).
    Png,
}

#[derive(Args)]
pub struct RenderArgs {
    /// A signed credential file (JSON); with --as, the id of a credential on the platform
    /// (urn:uuid:…), printed with the platform's logos, signatories and template.
    #[arg(value_name = "CREDENTIAL")]
    credential: String,
    #[arg(long, value_enum, default_value_t)]
    format: FormatArg,
    /// Where to write it. PNG: FILE is page one; page n goes to FILE's name with `-n`.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// PNG: only this page.
    #[arg(long, value_name = "N")]
    page: Option<usize>,
    /// The wording's language (the built-in template has en and de).
    #[arg(long, default_value = "en")]
    language: String,
    /// A certificate template (Typst) instead of the built-in one.
    #[arg(long, value_name = "FILE")]
    template: Option<PathBuf>,
    /// The verification page: the QR code opens URL?credential=ID. By default the did:web
    /// issuer's host's /verify page.
    #[arg(long, value_name = "URL")]
    verify_page: Option<String>,
    /// The issuer's logo (PNG or JPEG).
    #[arg(long, value_name = "FILE")]
    logo: Option<PathBuf>,
    /// The alliance's name.
    #[arg(long, value_name = "NAME")]
    alliance_name: Option<String>,
    /// The alliance's logo (PNG or JPEG).
    #[arg(long, value_name = "FILE", requires = "alliance_name")]
    alliance_logo: Option<PathBuf>,
    /// Who signs for the awarding university: "Name, Role".
    #[arg(long, value_name = "NAME, ROLE")]
    signatory: Option<String>,
    /// The signatory's signature image (PNG or JPEG).
    #[arg(long, value_name = "FILE", requires = "signatory")]
    signature: Option<PathBuf>,
    /// Print a credential stored on the platform, as this account (e-mail).
    #[arg(long = "as", value_name = "EMAIL")]
    account: Option<String>,
    #[command(flatten)]
    server: ServerArgs,
}

fn fail(message: impl std::fmt::Display) -> u8 {
    eprintln!("error: {message}");
    exit::UNREADABLE
}

fn read_image(path: &Path) -> Result<PrintImage, String> {
    let bytes = read_bytes(path, MAX_LOGO_BYTES).map_err(|e| e.to_string())?;
    let facts = image_facts(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(PrintImage {
        media_type: facts.media_type.to_owned(),
        bytes,
    })
}

fn read_template(path: Option<&Path>) -> Result<Template, String> {
    let Some(path) = path else {
        return Ok(Template::default_template());
    };
    let bytes = read_bytes(path, MAX_TEMPLATE_BYTES).map_err(|e| e.to_string())?;
    let text =
        String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8 text", path.display()))?;
    Template::new(&text).map_err(|e| {
        e.problems
            .iter()
            .map(|p| format!("{}:{}:{}: {}", path.display(), p.line, p.column, p.message))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

impl FormatArg {
    fn print_format(self) -> PrintFormat {
        match self {
            FormatArg::Pdf => PrintFormat::Pdf,
            FormatArg::Png => PrintFormat::Png,
        }
    }
}

/// The file one output goes to: `--out` for a PDF, a page asked for, or PNG page one; page n of
/// several PNG pages to `--out`'s name with `-n`.
fn out_file(args: &RenderArgs, page: usize) -> PathBuf {
    let out = &args.out;
    if page == 1 || args.page.is_some() || matches!(args.format, FormatArg::Pdf) {
        return out.clone();
    }
    let stem = out.file_stem().map_or_else(
        || "certificate".into(),
        |s| s.to_string_lossy().into_owned(),
    );
    let extension = out
        .extension()
        .map_or_else(|| "png".into(), |e| e.to_string_lossy().into_owned());
    out.with_file_name(format!("{stem}-{page}.{extension}"))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
    outln!("wrote {}", path.display());
    Ok(())
}

pub fn run(args: RenderArgs, settings: Option<AllianceSettings>) -> u8 {
    match &args.account {
        Some(account) => from_platform(&args, account, settings),
        None => match from_file(&args) {
            Ok(()) => exit::OK,
            Err(e) => fail(e),
        },
    }
}

/// What the command line says the certificate shows besides the credential.
fn presentation(args: &RenderArgs, credential: &serde_json::Value) -> Result<Presentation, String> {
    let page = args.verify_page.as_deref().map(|page| {
        let id = credential
            .get("id")
            .and_then(|i| i.as_str())
            .unwrap_or_default();
        let joiner = if page.contains('?') { '&' } else { '?' };
        format!("{page}{joiner}credential={id}")
    });
    let verification_url = page
        .or_else(|| default_verification_url(credential))
        .ok_or(
            "the issuer is not a did:web: say where the credential is verified with --verify-page",
        )?;
    let alliance = match &args.alliance_name {
        Some(name) => Some(PrintedParty {
            name: name.clone(),
            country: String::new(),
            logo: args.alliance_logo.as_deref().map(read_image).transpose()?,
        }),
        None => None,
    };
    let mut signatories = Vec::new();
    if let Some(signatory) = &args.signatory {
        let (name, role) = signatory.split_once(',').unwrap_or((signatory, ""));
        let university = credential
            .get("issuer")
            .and_then(|i| i.get("name"))
            .and_then(|n| n.as_str())
            .unwrap_or_default()
            .to_owned();
        signatories.push(PrintedSignatory {
            name: name.trim().to_owned(),
            role: role.trim().to_owned(),
            university,
            signature: args.signature.as_deref().map(read_image).transpose()?,
        });
    }
    Ok(Presentation {
        language: args.language.clone(),
        verification_url,
        issuer_logo: args.logo.as_deref().map(read_image).transpose()?,
        co_awarding: Vec::new(),
        alliance,
        signatories,
    })
}

fn from_file(args: &RenderArgs) -> Result<(), String> {
    let path = Path::new(&args.credential);
    let signed = read_bytes(path, MAX_CREDENTIAL_BYTES)
        .map_err(|e| format!("{e} (without --as, CREDENTIAL is a signed credential file)"))?;
    let credential: serde_json::Value =
        microcred_app::parse_json(path, &signed).map_err(|e| e.to_string())?;
    let template = read_template(args.template.as_deref())?;
    let presentation = presentation(args, &credential)?;
    let laid = lay_out_certificate(&template, &signed, &presentation)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    match args.format.print_format() {
        PrintFormat::Pdf => write(&args.out, &laid.pdf().map_err(|e| e.to_string())?),
        PrintFormat::Png => {
            let pages: Vec<usize> = match args.page {
                Some(page) => vec![page],
                None => (1..=laid.page_count()).collect(),
            };
            for page in pages {
                let png = laid
                    .png(page, DEFAULT_PIXELS_PER_POINT)
                    .map_err(|e| e.to_string())?;
                write(&out_file(args, page), &png)?;
            }
            Ok(())
        }
    }
}

fn from_platform(args: &RenderArgs, account: &str, settings: Option<AllianceSettings>) -> u8 {
    let format = args.format.print_format();
    open_platform(&args.server, settings, async |platform| {
        let printed = async {
            let actor = platform
                .account_by_email(account)
                .await
                .map_err(|e| e.to_string())?;
            let print = async |page: usize| {
                let printed = platform
                    .certificate(&actor, &args.credential, format, page, &args.language)
                    .await
                    .map_err(|e| e.to_string())?;
                write(&out_file(args, page), &printed.bytes)?;
                Ok::<usize, String>(printed.page_count)
            };
            // The first output says how many pages there are.
            let count = print(args.page.unwrap_or(1)).await?;
            if format == PrintFormat::Png && args.page.is_none() {
                for page in 2..=count {
                    print(page).await?;
                }
            }
            Ok::<(), String>(())
        }
        .await;
        match printed {
            Ok(()) => exit::OK,
            Err(e) => fail(e),
        }
    })
}
