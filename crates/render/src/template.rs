//! Certificate templates: Typst source an alliance can edit (logo placement, colours, wording,
//! language) and upload, checked before it is used.

use typst::syntax::{DiagSpan, DiagSpanKind, FileId, RootedPath, Source, VirtualPath, VirtualRoot};

use crate::certificate::{
    Certificate, CourseElementLine, ElementLine, Grade, LearnerLines, Party, SignatoryLine,
};
use crate::{Printable, RenderError};

/// The template microcred ships: A4, page one with the 16 elements, then the supplement.
pub const DEFAULT_TEMPLATE: &str = include_str!("../templates/certificate.typ");

/// The badge image microcred ships: a round emblem (title, workload, awarding bodies, date)
/// on an 80 mm square, into which the platform bakes the signed credential.
pub const BADGE_TEMPLATE: &str = include_str!("../templates/badge.typ");

/// Largest template accepted, in bytes.
pub const MAX_TEMPLATE_BYTES: usize = 256 * 1024;

/// A parsed template.
#[derive(Clone, Debug)]
pub struct Template {
    pub(crate) source: Source,
}

/// Why a template cannot be used, with the places in it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the certificate template has {} error{}: {}", .problems.len(), if .problems.len() == 1 { "" } else { "s" }, .problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct TemplateError {
    /// Each problem, with its place.
    pub problems: Vec<TemplateProblem>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
/// One problem in a template.
pub struct TemplateProblem {
    /// 1-based; 0 when the problem has no place in the template.
    pub line: usize,
    /// 1-based; 0 when the problem has no place in the template.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for TemplateProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.message)
        } else {
            write!(
                f,
                "line {}, column {}: {}",
                self.line, self.column, self.message
            )
        }
    }
}

/// The template's file in the virtual file system the renderer gives Typst.
pub(crate) fn template_id() -> FileId {
    path_id("/template.typ")
}

pub(crate) fn path_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("a fixed, valid path"),
    )
    .intern()
}

impl Template {
    /// Parses a template. Syntax errors are found here; errors that need data (a field name
    /// mistyped) by [`Template::check`].
    pub fn new(text: &str) -> Result<Template, TemplateError> {
        if text.len() > MAX_TEMPLATE_BYTES {
            return Err(TemplateError {
                problems: vec![TemplateProblem {
                    line: 0,
                    column: 0,
                    message: format!(
                        "{} bytes: a template may have at most {MAX_TEMPLATE_BYTES}",
                        text.len()
                    ),
                }],
            });
        }
        let source = Source::new(template_id(), text.to_owned());
        let (errors, _warnings) = source.root().errors_and_warnings();
        let problems: Vec<TemplateProblem> = errors
            .into_iter()
            .map(|error| place(&source, error.span, error.message.to_string()))
            .collect();
        if !problems.is_empty() {
            return Err(TemplateError { problems });
        }
        Ok(Template { source })
    }

    /// The template microcred ships.
    pub fn default_template() -> Template {
        Template::new(DEFAULT_TEMPLATE).expect("the built-in template parses")
    }

    /// The badge image's template.
    pub fn badge() -> Template {
        Template::new(BADGE_TEMPLATE).expect("the built-in badge template parses")
    }

    /// The template's source.
    pub fn text(&self) -> &str {
        self.source.text()
    }

    /// Lays out a sample certificate (long names in three scripts, every element stated), so
    /// that a template with a fault is refused when it is uploaded, not when a learner asks.
    pub fn check(&self) -> Result<(), RenderError> {
        let certificate = Certificate::sample();
        crate::lay_out(
            self,
            &Printable {
                certificate: &certificate,
                images: &[],
                signed_credential: b"{}",
            },
        )
        .map(drop)
    }
}

/// A problem at a place of the template, as line and column (none if it is elsewhere).
pub(crate) fn place(source: &Source, span: DiagSpan, message: String) -> TemplateProblem {
    let at = match span.get() {
        DiagSpanKind::Number { id, num, sub_range } if id == source.id() => {
            source.range(num, sub_range).map(|r| r.start)
        }
        DiagSpanKind::Range { id, range } if id == source.id() => Some(range.start),
        _ => None,
    };
    let (line, column) = at
        .and_then(|at| source.lines().byte_to_line_column(at))
        .map_or((0, 0), |(l, c)| (l + 1, c + 1));
    TemplateProblem {
        line,
        column,
        message,
    }
}

impl Certificate {
    /// A certificate with every part filled (names in three scripts), for checking templates.
    pub fn sample() -> Certificate {
        let element = |number: u8, key: &str, name: &str, value: &str| ElementLine {
            number,
            key: key.into(),
            name: name.into(),
            value: value.into(),
            detail: value.into(),
        };
        Certificate {
            language: "en".into(),
            kind: "certificate".into(),
            subtype: "academic".into(),
            title: "Sustainable Entrepreneurship in Engineering".into(),
            summary: "A sample certificate.".into(),
            learner: LearnerLines {
                name: "Zoë Łukasiewicz-Παπαδοπούλου Ђорђевић".into(),
                birth_date: "2001-02-03".into(),
                nationality: "PL, GR".into(),
                identifiers: vec!["ge87lit (Technical University of Munich)".into()],
            },
            awarding_bodies: vec![Party {
                name: "Technical University of Munich".into(),
                country: "Germany".into(),
                logo: String::new(),
            }],
            alliance: Some(Party {
                name: "EuroTeQ Engineering University".into(),
                country: String::new(),
                logo: String::new(),
            }),
            issued_on: "2026-07-15".into(),
            valid_until: String::new(),
            elements: vec![
                element(
                    1,
                    "learner",
                    "Identification of the learner",
                    "Zoë Łukasiewicz",
                ),
                element(2, "title", "Title of the micro-credential", "Sample"),
                element(14, "grade", "Grade achieved", ""),
            ],
            learning_outcomes: vec!["Evaluate a business model for its environmental cost.".into()],
            course_elements: vec![CourseElementLine {
                title: "Green Venture Design".into(),
                university: "Technical University of Munich".into(),
                code: "MGT001".into(),
                ects: "3".into(),
                hours: "90".into(),
                eqf: "7".into(),
            }],
            grade: Some(Grade {
                value: "1.3".into(),
                scheme: "TUM 1.0–5.0".into(),
                description: "1.0 is the best grade, 4.0 the lowest pass.".into(),
            }),
            signatories: vec![SignatoryLine {
                name: "Prof. Dr. Anna Schmidt".into(),
                role: "Vice-President for Studies".into(),
                university: "Technical University of Munich".into(),
                signature: String::new(),
            }],
            verification_url: "https://example.org/verify?credential=urn:uuid:0".into(),
            credential_id: "urn:uuid:00000000-0000-0000-0000-000000000000".into(),
            printed_on: "2026-07-16".into(),
        }
    }
}
