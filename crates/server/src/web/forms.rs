//! Form posts: the fields of a URL-encoded body (repeated names kept, as checkbox groups send
//! them), after checking that the form was sent by one of our own pages.

use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode, header};

use crate::AppState;
use crate::problem::MAX_JSON_BYTES;

use super::PageError;

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
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return match site {
            "same-origin" | "none" => Ok(()),
            _ => Err(refused()),
        };
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let origin_host = origin.split_once("://").map_or(origin, |(_, h)| h);
        if origin_host != host {
            return Err(refused());
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

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
