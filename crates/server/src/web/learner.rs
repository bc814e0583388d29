//! Learners' pages: their credentials, each with its download, printed certificate, share
//! link, QR code and "Add to LinkedIn profile" link.

use askama::Template;
use axum::extract::{Path, RawQuery, State};

use microcred_app::platform::issuance::CredentialQuery;
use microcred_app::platform::views::CredentialView;
use microcred_credentials::statement::{MicroCredentialStatement, read_statement};
use microcred_model::StandardElement;

use super::messages::msg;
use super::{Chrome, PageError, PageResult, Viewer, page};
use crate::AppState;

#[derive(Template)]
#[template(path = "my_credentials.html")]
struct MyCredentialsPage {
    chrome: Chrome,
    credentials: Vec<(CredentialView, MicroCredentialStatement)>,
}

pub async fn credentials(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let query = super::forms::FormData::parse(raw.unwrap_or_default().as_bytes());
    let records = state
        .platform
        .credentials(
            &account,
            CredentialQuery {
                limit: 1000,
                ..CredentialQuery::default()
            },
        )
        .await?;
    let credentials = records
        .into_iter()
        .map(|r| {
            let statement = read_statement(&r.document);
            (r, statement)
        })
        .collect();
    page(&MyCredentialsPage {
        chrome: Chrome::new(Some(account), msg("my.title")).notice(Some(query.text("done"))),
        credentials,
    })
}

#[derive(Template)]
#[template(path = "my_credential.html")]
struct MyCredentialPage {
    chrome: Chrome,
    record: CredentialView,
    statement: MicroCredentialStatement,
    elements: Vec<(StandardElement, String)>,
    share: String,
    linkedin: String,
    qr_svg: String,
    download: String,
    /// Whether the credential was also issued as a Europass EDC.
    europass: bool,
    /// Whether it is an Open Badge, so that a badge image can carry it.
    open_badge: bool,
}

fn encoded(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// LinkedIn's "Add to profile" link for a certification.
fn linkedin_link(statement: &MicroCredentialStatement, share: &str) -> String {
    let (year, month) = statement
        .date_of_issuing
        .split_once('-')
        .map(|(y, rest)| {
            (
                y.to_owned(),
                rest.get(..2)
                    .unwrap_or("")
                    .trim_start_matches('0')
                    .to_owned(),
            )
        })
        .unwrap_or_default();
    format!(
        "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name={}&organizationName={}&issueYear={year}&issueMonth={month}&certUrl={}&certId={}",
        encoded(&statement.title),
        encoded(&statement.issuer_name),
        encoded(share),
        encoded(&statement.id),
    )
}

pub async fn credential(
    State(state): State<AppState>,
    Viewer(account): Viewer,
    Path(id): Path<String>,
) -> PageResult {
    let record = state.platform.credential(&account, &id).await?;
    let statement = read_statement(&record.document);
    let share = state.platform.config().verification_url(&record.id);
    let qr_svg = microcred_app::certificate::qr_code_svg(&share).map_err(|e| {
        PageError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
    })?;
    page(&MyCredentialPage {
        chrome: Chrome::new(Some(account), statement.title.clone()),
        elements: statement
            .elements()
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .collect(),
        linkedin: linkedin_link(&statement, &share),
        download: encoded(&record.id),
        europass: record
            .alternatives
            .iter()
            .any(|d| d.format == microcred_app::edc::EDC_FORMAT),
        open_badge: microcred_credentials::open_badges::is_open_badge(&record.document),
        record,
        statement,
        share,
        qr_svg,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_linkedin_link_names_the_certification() {
        let statement = microcred_credentials::statement::MicroCredentialStatement {
            id: "urn:uuid:1".into(),
            title: "ENHANCE Certificate".into(),
            issuer_name: "TU Berlin".into(),
            date_of_issuing: "2026-06-20".into(),
            ..Default::default()
        };
        let link =
            super::linkedin_link(&statement, "https://x.example/verify?credential=urn:uuid:1");
        assert!(
            link.contains(
                "name=ENHANCE+Certificate&organizationName=TU+Berlin&issueYear=2026&issueMonth=6"
            ),
            "{link}"
        );
        assert!(
            link.contains("certUrl=https%3A%2F%2Fx.example%2Fverify%3Fcredential%3Durn%3Auuid%3A1"),
            "{link}"
        );
    }
}
