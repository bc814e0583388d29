//! Human output: findings and errors as a compiler shows them, with the source line quoted.

use std::io::IsTerminal;

use microcred_specfile::{Location, SourceFile};

/// ANSI styles, or none when the output is not a terminal or `NO_COLOR` is set.
#[derive(Clone, Copy)]
pub struct Style {
    colour: bool,
}

impl Style {
    pub fn for_stdout() -> Style {
        Style {
            colour: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }

    pub fn paint(self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    pub fn severity(self, word: &str) -> String {
        let code = match word {
            "error" => "1;31",
            "warning" => "1;33",
            _ => "1;36",
        };
        self.paint(code, word)
    }

    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    pub fn dim(self, text: &str) -> String {
        self.paint("34", text)
    }
}

/// Prints a heading, the location, the quoted source line with a marker, then notes.
pub fn diagnostic(
    out: &mut String,
    style: Style,
    heading: &str,
    location: &Location,
    source: Option<&SourceFile>,
    notes: &[String],
) {
    use std::fmt::Write;
    let _ = writeln!(out, "{heading}");
    let gutter = location.line.to_string().len().max(2);
    let pad = " ".repeat(gutter);
    let _ = writeln!(
        out,
        "{pad}{} {}:{}:{}",
        style.dim("-->"),
        location.file,
        location.line,
        location.column
    );
    let missing_here = !location.present && location.span.is_empty();
    if missing_here {
        let _ = writeln!(
            out,
            "{pad} {} `{}` is not in the file (it would go at line {})",
            style.dim("="),
            location.field,
            location.line
        );
    } else if let Some(source) = source {
        let line = source.line_text(location.line);
        let marked = source.text().get(location.span.clone()).unwrap_or("");
        let first_line_of_mark = marked.lines().next().unwrap_or("");
        let width = first_line_of_mark.chars().count().max(1);
        let _ = writeln!(out, "{pad} {}", style.dim("|"));
        let _ = writeln!(
            out,
            "{} {} {line}",
            style.dim(&format!("{:>gutter$}", location.line)),
            style.dim("|")
        );
        let label = if location.present {
            location.field.clone()
        } else {
            format!("{} is not in the file", location.field)
        };
        let marker = format!(
            "{}{} {label}",
            " ".repeat(location.column - 1),
            "^".repeat(width)
        );
        let _ = writeln!(out, "{pad} {} {}", style.dim("|"), style.bold(&marker));
    }
    for note in notes {
        let _ = writeln!(out, "{pad} {} {note}", style.dim("="));
    }
    let _ = writeln!(out);
}
