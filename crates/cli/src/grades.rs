//! `microcred grades …`: grade conversion with grade distribution tables (ECTS Users' Guide,
//! EGRACONS).

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};

use microcred_app::grades::{ConversionPolicy, convert_grade_files};

use crate::output::outln;
use crate::{OutputFormat, exit};

#[derive(Subcommand)]
pub enum GradesCommand {
    /// Convert a grade to another university's scale by their grade distribution tables: the
    /// grade's band of cumulative percentages in its table, the target grades it overlaps, and
    /// the one the policy picks.
    Convert {
        /// The grade, as the source table names it (e.g. `4.5`, `B`, `16`).
        grade: String,
        /// The source grade distribution table: CSV with the header `grade,count`, one row per
        /// passing grade from the lowest pass to the best.
        #[arg(long, value_name = "TABLE")]
        from: PathBuf,
        /// The target grade distribution table, in the same form.
        #[arg(long, value_name = "TABLE")]
        to: PathBuf,
        /// Which overlapping target grade is suggested.
        #[arg(long, value_enum, default_value_t = Policy::LargestOverlap)]
        policy: Policy,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
}

/// The conversion policies, as the command line names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Policy {
    /// The lowest overlapping grade.
    Lowest,
    /// The best overlapping grade.
    Highest,
    /// The grade overlapping most (on a tie, the lower).
    LargestOverlap,
}

impl From<Policy> for ConversionPolicy {
    fn from(policy: Policy) -> ConversionPolicy {
        match policy {
            Policy::Lowest => ConversionPolicy::Lowest,
            Policy::Highest => ConversionPolicy::Highest,
            Policy::LargestOverlap => ConversionPolicy::LargestOverlap,
        }
    }
}

pub fn run(command: GradesCommand) -> u8 {
    match command {
        GradesCommand::Convert {
            grade,
            from,
            to,
            policy,
            format,
        } => match convert_grade_files(&grade, &from, &to, policy.into()) {
            Ok(conversion) => {
                match format {
                    OutputFormat::Json => outln!(
                        "{}",
                        serde_json::to_string_pretty(&conversion.to_json()).expect("serializes")
                    ),
                    OutputFormat::Human => outln!("{}", conversion.to_text().trim_end()),
                }
                exit::OK
            }
            // A table that cannot be read, or a grade it does not have (or nobody received):
            // the command was given something it cannot use.
            Err(e) => {
                eprintln!("error: {e}");
                exit::UNREADABLE
            }
        },
    }
}
