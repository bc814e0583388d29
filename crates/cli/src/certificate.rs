//! `microcred render`: a signed credential as a printed certificate (PDF, or PNG pages).

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

/// The file for page `page` of `count`: `out` itself for page one (or the only page).
fn page_file(out: &Path, page: usize) -> PathBuf {
    if page == 1 {
        return out.to_owned();
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
    std::fs::write(path, bytes).map_err(|e| format!("{}: cannot write: {e}", path.display()))
}

pub fn run(args: RenderArgs, settings: Option<AllianceSettings>) -> u8 {
    match &args.account {
        Some(account) => from_platform(&args, account, settings),
        None => from_file(&args),
    }
}

fn from_file(args: &RenderArgs) -> u8 {
    let path = Path::new(&args.credential);
    let signed = match read_bytes(path, MAX_CREDENTIAL_BYTES) {
        Ok(bytes) => bytes,
        Err(e) => {
            return fail(format!(
                "{e} (without --as, CREDENTIAL is a signed credential file)"
            ));
        }
    };
    let credential: serde_json::Value = match microcred_app::parse_json(path, &signed) {
        Ok(value) => value,
        Err(e) => return fail(e),
    };
    let template = match read_template(args.template.as_deref()) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let page = args.verify_page.as_deref().map(|page| {
        let id = credential
            .get("id")
            .and_then(|i| i.as_str())
            .unwrap_or_default();
        let joiner = if page.contains('?') { '&' } else { '?' };
        format!("{page}{joiner}credential={id}")
    });
    let Some(verification_url) = page.or_else(|| default_verification_url(&credential)) else {
        return fail(
            "the issuer is not a did:web: say where the credential is verified with --verify-page",
        );
    };
    let mut presentation = Presentation {
        language: args.language.clone(),
        verification_url,
        ..Presentation::default()
    };
    let images = (|| -> Result<(), String> {
        presentation.issuer_logo = args.logo.as_deref().map(read_image).transpose()?;
        if let Some(name) = &args.alliance_name {
            presentation.alliance = Some(PrintedParty {
                name: name.clone(),
                country: String::new(),
                logo: args.alliance_logo.as_deref().map(read_image).transpose()?,
            });
        }
        if let Some(signatory) = &args.signatory {
            let (name, role) = signatory.split_once(',').unwrap_or((signatory, ""));
            let university = credential
                .get("issuer")
                .and_then(|i| i.get("name"))
                .and_then(|n| n.as_str())
                .unwrap_or_default()
                .to_owned();
            presentation.signatories.push(PrintedSignatory {
                name: name.trim().to_owned(),
                role: role.trim().to_owned(),
                university,
                signature: args.signature.as_deref().map(read_image).transpose()?,
            });
        }
        Ok(())
    })();
    if let Err(e) = images {
        return fail(e);
    }
    let laid = match lay_out_certificate(&template, &signed, &presentation) {
        Ok(laid) => laid,
        Err(e) => return fail(format!("{}: {e}", path.display())),
    };
    let format = match args.format {
        FormatArg::Pdf => PrintFormat::Pdf,
        FormatArg::Png => PrintFormat::Png,
    };
    let written = match format {
        PrintFormat::Pdf => laid
            .pdf()
            .map_err(|e| e.to_string())
            .and_then(|pdf| write(&args.out, &pdf))
            .map(|()| vec![args.out.clone()]),
        PrintFormat::Png => {
            let pages: Vec<usize> = match args.page {
                Some(page) => vec![page],
                None => (1..=laid.page_count()).collect(),
            };
            pages
                .into_iter()
                .map(|page| {
                    let file = if args.page.is_some() {
                        args.out.clone()
                    } else {
                        page_file(&args.out, page)
                    };
                    laid.png(page, DEFAULT_PIXELS_PER_POINT)
                        .map_err(|e| e.to_string())
                        .and_then(|png| write(&file, &png))
                        .map(|()| file)
                })
                .collect::<Result<Vec<_>, _>>()
        }
    };
    match written {
        Ok(files) => {
            for file in files {
                println!("wrote {}", file.display());
            }
            exit::OK
        }
        Err(e) => fail(e),
    }
}

fn from_platform(args: &RenderArgs, account: &str, settings: Option<AllianceSettings>) -> u8 {
    let format = match args.format {
        FormatArg::Pdf => PrintFormat::Pdf,
        FormatArg::Png => PrintFormat::Png,
    };
    open_platform(&args.server, settings, async |platform| {
        let actor = match platform.account_by_email(account).await {
            Ok(actor) => actor,
            Err(e) => return fail(e),
        };
        let pages: Vec<usize> = match (format, args.page) {
            (PrintFormat::Pdf, _) => vec![1],
            (PrintFormat::Png, Some(page)) => vec![page],
            (PrintFormat::Png, None) => {
                // The first page says how many there are.
                match platform
                    .certificate(&actor, &args.credential, format, 1, &args.language)
                    .await
                {
                    Ok(printed) => (1..=printed.page_count).collect(),
                    Err(e) => return fail(e),
                }
            }
        };
        for page in pages {
            let printed = match platform
                .certificate(&actor, &args.credential, format, page, &args.language)
                .await
            {
                Ok(printed) => printed,
                Err(e) => return fail(e),
            };
            let file = if format == PrintFormat::Pdf || args.page.is_some() {
                args.out.clone()
            } else {
                page_file(&args.out, page)
            };
            if let Err(e) = write(&file, &printed.bytes) {
                return fail(e);
            }
            println!("wrote {}", file.display());
        }
        exit::OK
    })
}
