//! Printed certificates on the platform: a credential's PDF or PNG pages for its learner, a
//! registrar of its issuer or an administrator, with the stored logos, signatories and
//! signatures; and the alliance's own certificate template.

use microcred_model::CredentialState;
use microcred_render::{Template, TemplateError};
use microcred_store::accounts::Account;
use microcred_store::universities::{self, ImageKind, Signatory, StoredImage};
use microcred_store::{Connection as AnyConnection, audit};

use super::alliance::ALLIANCE;
use super::authz::{self, Action};
use super::{Platform, PlatformError, Problem, Result};
use crate::certificate::{
    BadgeFormat, Presentation, PrintError, PrintFormat, PrintImage, PrintedParty, PrintedSignatory,
    bake_badge, lay_out_certificate,
};

/// A printed certificate: a PDF, or one PNG page.
#[derive(Clone, Debug)]
pub struct Printed {
    /// PDF or PNG.
    pub format: PrintFormat,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// How many pages the certificate has.
    pub page_count: usize,
}

fn print_image(image: StoredImage) -> PrintImage {
    PrintImage {
        media_type: image.media_type,
        bytes: image.image,
    }
}

fn template_problems(error: &TemplateError) -> Vec<Problem> {
    error
        .problems
        .iter()
        .map(|p| {
            let place = if p.line == 0 {
                "template".to_owned()
            } else {
                format!("template, line {}, column {}", p.line, p.column)
            };
            Problem::new(place, p.message.clone())
        })
        .collect()
}

/// Who signs a certificate issued at `issued_at`: the first signatory in office then; for a
/// credential issued before the university named any, its first active one now.
fn signatory_for(signatories: Vec<Signatory>, issued_at: i64) -> Option<Signatory> {
    let in_office = signatories.iter().position(|s| s.in_office_at(issued_at));
    let chosen = in_office.or_else(|| signatories.iter().position(|s| s.active))?;
    signatories.into_iter().nth(chosen)
}

impl Platform {
    /// The certificate of a credential, for whoever may see the credential. Revoked, suspended
    /// or replaced credentials are not printed: paper would outlive the withdrawal.
    pub async fn certificate(
        &self,
        actor: &Account,
        id: &str,
        format: PrintFormat,
        page: usize,
        language: &str,
    ) -> Result<Printed> {
        let (signed, presentation) = self.printable(actor, id, language).await?;
        let mut c = self.store.connection().await?;
        let template = match universities::certificate_template(&mut c).await? {
            Some(text) => Template::new(&text).map_err(|e| {
                PlatformError::Internal(format!("the stored certificate template: {e}"))
            })?,
            None => Template::default_template(),
        };
        drop(c);
        // Laying out takes milliseconds of CPU: off the async workers.
        tokio::task::spawn_blocking(move || {
            let laid =
                lay_out_certificate(&template, &signed, &presentation).map_err(print_failure)?;
            let bytes = match format {
                PrintFormat::Pdf => laid.pdf(),
                PrintFormat::Png => laid.png(page, microcred_render::DEFAULT_PIXELS_PER_POINT),
            };
            let bytes = bytes.map_err(|e| print_failure(PrintError::Render(e)))?;
            Ok(Printed {
                format,
                bytes,
                page_count: laid.page_count(),
            })
        })
        .await
        .map_err(|e| PlatformError::Internal(e.to_string()))?
    }

    /// The badge image of a credential with the signed credential baked in, for whoever may see
    /// the credential; like certificates, only of active, current credentials.
    pub async fn badge(
        &self,
        actor: &Account,
        id: &str,
        format: BadgeFormat,
        language: &str,
    ) -> Result<Vec<u8>> {
        let (signed, presentation) = self.printable(actor, id, language).await?;
        tokio::task::spawn_blocking(move || {
            bake_badge(&signed, &presentation, format).map_err(print_failure)
        })
        .await
        .map_err(|e| PlatformError::Internal(e.to_string()))?
    }

    /// A credential the actor may see, as issued, and what printing it needs besides.
    async fn printable(
        &self,
        actor: &Account,
        id: &str,
        language: &str,
    ) -> Result<(Vec<u8>, Presentation)> {
        let record = self.credential(actor, id).await?;
        if record.state != CredentialState::Active {
            return Err(PlatformError::Conflict(format!(
                "credential {id} is {}: only active credentials are printed",
                record.state.name()
            )));
        }
        if !record.current {
            return Err(PlatformError::Conflict(format!(
                "credential {id} was replaced by a correction: print the credential that replaced it"
            )));
        }
        let mut c = self.store.connection().await?;
        let presentation = self
            .presentation(
                &mut c,
                &record.issuer,
                record.issued_at,
                &record.document,
                language,
            )
            .await?;
        drop(c);
        let signed = serde_json::to_vec(&record.document)
            .map_err(|e| PlatformError::Internal(e.to_string()))?;
        Ok((signed, presentation))
    }

    /// Logos, signatories and the verification link of a credential issued by `issuer`.
    async fn presentation(
        &self,
        c: &mut AnyConnection,
        issuer: &str,
        issued_at: i64,
        credential: &serde_json::Value,
        language: &str,
    ) -> Result<Presentation> {
        let statement = microcred_credentials::statement::read_statement(credential);
        let all = universities::list(c).await?;
        // The awarding universities, the issuer first (a joint award names several by DID).
        let mut awarding: Vec<&universities::UniversityRecord> = all
            .iter()
            .filter(|u| u.university.id.as_str() == issuer)
            .collect();
        for did in statement.awarding_bodies.iter().skip(1) {
            if let Some(u) = all.iter().find(|u| &u.did == did) {
                awarding.push(u);
            }
        }
        let logo = async |c: &mut AnyConnection, owner: &str| -> Result<Option<PrintImage>> {
            Ok(universities::image(c, ImageKind::Logo, owner)
                .await?
                .map(print_image))
        };
        let mut co_awarding = Vec::new();
        for u in awarding.iter().skip(1) {
            co_awarding.push(PrintedParty {
                name: u.university.display_name().to_owned(),
                country: u.university.country.english_name().to_owned(),
                logo: logo(c, u.university.id.as_str()).await?,
            });
        }
        let alliance = match universities::alliance(c).await? {
            Some(record) => Some(PrintedParty {
                name: record.alliance.name.en().to_owned(),
                country: String::new(),
                logo: logo(c, ALLIANCE).await?,
            }),
            None => None,
        };
        // One eligible person per awarding university signs: who was in office when the
        // credential was issued (a reprint years later shows the same person).
        let mut signatories = Vec::new();
        for u in &awarding {
            let id = u.university.id.as_str();
            let all = universities::signatories(c, id).await?;
            if let Some(s) = signatory_for(all, issued_at) {
                let signature = universities::image(c, ImageKind::Signature, &s.id)
                    .await?
                    .map(print_image);
                signatories.push(PrintedSignatory {
                    name: s.name,
                    role: s.role,
                    university: u.university.display_name().to_owned(),
                    signature,
                });
            }
        }
        Ok(Presentation {
            language: language.to_owned(),
            verification_url: self.config.verification_url(&statement.id),
            issuer_logo: logo(c, issuer).await?,
            co_awarding,
            alliance,
            signatories,
        })
    }

    /// The alliance's certificate template (the built-in one until it sets its own).
    pub async fn certificate_template(&self) -> Result<String> {
        let mut c = self.store.connection().await?;
        Ok(universities::certificate_template(&mut c)
            .await?
            .unwrap_or_else(|| microcred_render::DEFAULT_TEMPLATE.to_owned()))
    }

    /// Sets the alliance's certificate template (an administrator), after laying out a sample
    /// certificate with it; `None` goes back to the built-in template.
    pub async fn set_certificate_template(
        &self,
        actor: &Account,
        text: Option<String>,
    ) -> Result<()> {
        authz::may(actor, Action::AdministerAlliance)?;
        if let Some(text) = &text {
            let text = text.clone();
            let checked = tokio::task::spawn_blocking(move || {
                Template::new(&text)
                    .map_err(microcred_render::RenderError::from)
                    .and_then(|t| t.check())
            })
            .await
            .map_err(|e| PlatformError::Internal(e.to_string()))?;
            if let Err(error) = checked {
                let problems = match &error {
                    microcred_render::RenderError::Template(t) => template_problems(t),
                    other => vec![Problem::new("template", other.to_string())],
                };
                return Err(PlatformError::invalid(
                    "the certificate template cannot be used",
                    problems,
                ));
            }
        }
        let mut tx = self.store.begin().await?;
        universities::set_certificate_template(&mut tx, text.as_deref()).await?;
        audit::append(
            &mut tx,
            &actor.id,
            if text.is_some() {
                "certificate_template.set"
            } else {
                "certificate_template.reset"
            },
            ALLIANCE,
            &serde_json::json!({ "bytes": text.as_ref().map_or(0, String::len) }),
        )
        .await?;
        microcred_store::commit(tx).await?;
        Ok(())
    }
}

/// A certificate that cannot be printed: a fault of the template is the alliance's to fix, and
/// says where; anything else is ours.
fn print_failure(error: PrintError) -> PlatformError {
    match error {
        PrintError::Render(microcred_render::RenderError::Template(t)) => PlatformError::Internal(
            format!("the alliance's certificate template fails for this credential: {t}"),
        ),
        PrintError::Render(microcred_render::RenderError::NoSuchPage(page, count)) => {
            PlatformError::invalid(
                "no such page",
                vec![Problem::new(
                    "page",
                    format!("page {page} does not exist: the certificate has {count}"),
                )],
            )
        }
        PrintError::Render(e @ microcred_render::RenderError::MissingGlyphs { .. }) => {
            PlatformError::Conflict(e.to_string())
        }
        e @ PrintError::NotOpenBadge => PlatformError::Conflict(e.to_string()),
        other => PlatformError::Internal(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signatory(name: &str, since: i64, until: Option<i64>) -> Signatory {
        Signatory {
            id: name.into(),
            university_id: "wut".into(),
            name: name.into(),
            role: "Vice-Rector".into(),
            active: until.is_none(),
            since,
            until,
        }
    }

    #[test]
    fn a_certificate_is_signed_by_who_was_in_office_when_it_was_issued() {
        let all = || {
            vec![
                signatory("Nowak", 100, Some(200)),
                signatory("Zielińska", 200, None),
            ]
        };
        assert_eq!(signatory_for(all(), 150).unwrap().name, "Nowak");
        assert_eq!(signatory_for(all(), 200).unwrap().name, "Zielińska");
        assert_eq!(signatory_for(all(), 900).unwrap().name, "Zielińska");
        // Issued before anyone was named: whoever signs now.
        assert_eq!(signatory_for(all(), 50).unwrap().name, "Zielińska");
        assert!(signatory_for(vec![signatory("Nowak", 100, Some(200))], 300).is_none());
    }
}
