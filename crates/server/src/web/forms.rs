//! Form posts: the fields of a URL-encoded body (repeated names kept, as checkbox groups send
//! them), or of a multipart one (file uploads), after checking that the form was sent by one
//! of our own pages.

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{HeaderMap, StatusCode};

use crate::AppState;
use crate::problem::MAX_JSON_BYTES;

use super::PageError;
use super::messages::msg;

/// A posted form's fields, in order.
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    /// The first value of a field, trimmed; empty when absent.
    pub fn text(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// Every value of a field (a checkbox group), non-empty ones.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(n, v)| n == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
            .collect()
    }

    /// Whether a field has the value (a filter's chosen option).
    pub fn is(&self, name: &str, value: impl std::fmt::Display) -> bool {
        self.text(name) == value.to_string().as_str()
    }

    pub fn parse(body: &[u8]) -> FormData {
        FormData(
            form_urlencoded::parse(body)
                .map(|(n, v)| (n.into_owned(), v.into_owned()))
                .collect(),
        )
    }
}

/// Refuses a state-changing request another site made a browser send (cross-site request
/// forgery): browsers say where a request comes from in `Sec-Fetch-Site` or `Origin`. The
/// session cookie is also `SameSite=Lax`.
pub fn same_origin(headers: &HeaderMap) -> Result<(), PageError> {
    let refused = || {
        let mut error = PageError::new(
            StatusCode::FORBIDDEN,
            "this form was sent from another site, so it was not accepted",
        );
        error.detail = "open the page on this site and send the form from there".into();
        error
    };
    if crate::auth::cross_site(headers) {
        return Err(refused());
    }
    Ok(())
}

impl FromRequest<AppState> for FormData {
    type Rejection = PageError;

    async fn from_request(request: Request, _: &AppState) -> Result<Self, Self::Rejection> {
        same_origin(request.headers())?;
        let bytes = axum::body::to_bytes(request.into_body(), MAX_JSON_BYTES)
            .await
            .map_err(|_| {
                PageError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "the form is too large to be accepted",
                )
            })?;
        Ok(FormData::parse(&bytes))
    }
}

/// A posted multipart form: its fields, files and texts alike, in order.
pub struct Upload(Vec<UploadField>);

pub struct UploadField {
    pub name: String,
    /// The file's name on the sender's computer; empty for a text field.
    pub file_name: String,
    /// As the browser declares it (what the bytes are is checked where it matters).
    pub content_type: Option<String>,
    pub bytes: Bytes,
}

impl Upload {
    /// The first field of that name with something in it (an empty file input sends nothing).
    pub fn field(&self, name: &str) -> Option<&UploadField> {
        self.0
            .iter()
            .find(|f| f.name == name && !f.bytes.is_empty())
    }

    /// A credential sent as a file (`file`: JSON, a VC-JWT, a baked badge, a certificate PDF)
    /// or pasted (`credential`), read as the verification page reads it; `nothing` when
    /// neither was given. Also what was pasted, to show again.
    pub fn credential(&self, nothing: &str) -> (Result<serde_json::Value, String>, String) {
        let pasted = self
            .field("credential")
            .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
            .unwrap_or_default();
        let read = match self.field("file") {
            Some(file) => {
                microcred_app::certificate::credential_from_bytes(&file.file_name, &file.bytes)
            }
            None if pasted.trim().is_empty() => Err(nothing.to_owned()),
            None => microcred_app::certificate::credential_from_bytes(
                "the pasted text",
                pasted.as_bytes(),
            ),
        };
        (read, pasted)
    }
}

impl FromRequest<AppState> for Upload {
    type Rejection = PageError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        same_origin(request.headers())?;
        let unreadable = |status: StatusCode, why: String| {
            PageError::new(status, format!("{}: {why}", msg("form.unreadable")))
        };
        let mut multipart = Multipart::from_request(request, state)
            .await
            .map_err(|e| unreadable(e.status(), e.body_text()))?;
        let mut fields = Vec::new();
        loop {
            match multipart.next_field().await {
                Ok(Some(field)) => {
                    let name = field.name().unwrap_or_default().to_owned();
                    let file_name = field.file_name().unwrap_or_default().to_owned();
                    let content_type = field.content_type().map(str::to_owned);
                    // Too large (past the route's body limit) or cut short: said, with its status.
                    let bytes = field
                        .bytes()
                        .await
                        .map_err(|e| unreadable(e.status(), e.body_text()))?;
                    fields.push(UploadField {
                        name,
                        file_name,
                        content_type,
                        bytes,
                    });
                }
                Ok(None) => return Ok(Upload(fields)),
                Err(e) => return Err(unreadable(e.status(), e.body_text())),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderValue, header};

    #[test]
    fn repeated_fields_are_kept_and_values_trimmed() {
        let form = FormData::parse(b"elements=a&elements=b&elements=&title=+Hello+%C3%BC+");
        assert_eq!(form.all("elements"), ["a", "b"]);
        assert_eq!(form.text("title"), "Hello ü");
        assert_eq!(form.text("absent"), "");
    }

    #[test]
    fn forms_from_other_sites_are_refused() {
        let mut headers = HeaderMap::new();
        headers.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(same_origin(&headers).is_err());
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(same_origin(&headers).is_err());
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:8080"),
        );
        assert!(same_origin(&headers).is_ok());
        // Programs that send neither (curl) are not browsers carrying someone's cookie.
        assert!(same_origin(&HeaderMap::new()).is_ok());
    }
}
