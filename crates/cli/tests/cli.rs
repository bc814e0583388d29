//! The `microcred` command as a person or a script runs it, from the repository root.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn microcred(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_microcred"))
        .args(args)
        .current_dir(repository())
        .env("NO_COLOR", "1")
        .env_remove("MICROCRED_ALLIANCE")
        .output()
        .expect("microcred runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

fn examples(folder: &str) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(repository().join(folder))
        .expect("examples folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".toml"))
        .map(|name| format!("{folder}/{name}"))
        .collect();
    files.sort();
    files
}

#[test]
fn conforming_examples_have_no_errors() {
    let files = examples("examples");
    assert_eq!(files.len(), 7, "{files:?}");
    for file in files {
        let output = microcred(&["spec", "check", "--format", "json", &file]);
        assert_eq!(output.status.code(), Some(0), "{file}: {}", stdout(&output));
        let name = file
            .trim_start_matches("examples/")
            .trim_end_matches(".toml")
            .to_owned();
        insta::assert_snapshot!(name, stdout(&output));
    }
}

#[test]
fn non_conforming_examples_have_their_errors() {
    let files = examples("examples/non-conforming");
    assert_eq!(files.len(), 5, "{files:?}");
    for file in files {
        let output = microcred(&["spec", "check", "--format", "json", &file]);
        // Inconsistencies are warnings (recommendations); the others break obligations.
        let expected = if file.ends_with("inconsistent-workload.toml") {
            0
        } else {
            1
        };
        assert_eq!(
            output.status.code(),
            Some(expected),
            "{file}: {}",
            stdout(&output)
        );
        let name = file.replace('/', "__").trim_end_matches(".toml").to_owned();
        insta::assert_snapshot!(name, stdout(&output));
    }
}

#[test]
fn json_report_has_the_documented_shape() {
    let output = microcred(&[
        "spec",
        "check",
        "--format",
        "json",
        "examples/non-conforming/badge-with-ects.toml",
    ]);
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let finding = &report["files"][0]["findings"][0];
    for key in ["severity", "rule", "element", "message", "source"] {
        assert!(finding[key].is_string(), "{key} in {finding}");
    }
    for key in ["line", "column"] {
        assert!(
            finding["location"][key].as_u64().is_some_and(|n| n > 0),
            "{key} in {finding}"
        );
    }
    assert!(finding["location"]["field"].is_string());
}

#[test]
fn human_output_quotes_the_source_line() {
    let output = microcred(&[
        "spec",
        "check",
        "examples/non-conforming/euroteq-single-course-onsite.toml",
    ]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!("human-euroteq-single-course-onsite", stdout(&output));
}

#[test]
fn several_files_report_together_and_the_worst_exit_code_wins() {
    let output = microcred(&[
        "spec",
        "check",
        "examples/enhance-badge-data-literacy.toml",
        "examples/non-conforming/incomplete-draft.toml",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let dir = scratch("several");
    let broken = write(&dir, "broken.toml", "id = \"x\"\ntitle = \n");
    let output = microcred(&[
        "spec",
        "check",
        "examples/non-conforming/incomplete-draft.toml",
        &broken,
    ]);
    assert_eq!(output.status.code(), Some(2));
    let text = stdout(&output);
    assert!(text.contains("1 file could not be read"), "{text}");
    assert!(
        text.contains("eu-2022/learning-outcomes"),
        "the readable file is still checked: {text}"
    );
}

#[test]
fn checklist_answers_the_six_questions() {
    let output = microcred(&[
        "spec",
        "checklist",
        "examples/euroteq-biothermodynamics.toml",
    ]);
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!("checklist-biothermodynamics", stdout(&output));
    let output = microcred(&[
        "spec",
        "checklist",
        "--format",
        "json",
        "examples/non-conforming/euroteq-single-course-onsite.toml",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let answers: Vec<&str> = report["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["answer"].as_str().unwrap())
        .collect();
    assert_eq!(
        answers,
        [
            "no",
            "no",
            "no",
            "no",
            "recommended-but-not-met",
            "recommended-but-not-met"
        ]
    );
}

#[test]
fn profiles_are_listed_and_shown() {
    let output = microcred(&["profiles", "list"]);
    assert_eq!(output.status.code(), Some(0));
    for id in ["eu-2022", "enhance-2021", "euroteq-2022"] {
        assert!(stdout(&output).contains(id));
    }
    let output = microcred(&["profiles", "show", "euroteq-2022"]);
    let text = stdout(&output);
    assert!(text.contains("contradicted by EuroTeQ D2.7"), "{text}");
    assert!(text.contains("checklist 6 (recommended)"), "{text}");
    let output = microcred(&["profiles", "show", "nope"]);
    assert_eq!(output.status.code(), Some(2));
    let output = microcred(&["profiles", "show", "--format", "json", "enhance-2021"]);
    let profile: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert!(profile["rules"].as_array().unwrap().len() > 20);
    assert_eq!(microcred(&["profiles", "fields"]).status.code(), Some(0));
}

#[test]
fn an_alliance_adds_its_own_profile_without_recompiling() {
    let alliance = "examples/alliance/microcred.toml";
    let output = microcred(&["--alliance", alliance, "profiles", "list"]);
    assert!(stdout(&output).contains("national-3-30"));
    // Chosen on the command line, by id or by file.
    for profile in [
        "national-3-30",
        "examples/alliance/profiles/national-3-30.toml",
    ] {
        let mut args = vec!["spec", "check", "--format", "json", "--profile", profile];
        if !profile.ends_with(".toml") {
            args.splice(0..0, ["--alliance", alliance]);
        }
        args.push("examples/non-conforming/certificate-too-small.toml");
        let output = microcred(&args);
        let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
        let rules: Vec<&str> = report["files"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap())
            .collect();
        assert_eq!(rules, ["national-3-30/ects-range"], "{profile}");
    }
    // Applied by default to a specification that names no profile.
    let dir = scratch("alliance");
    let text = std::fs::read_to_string(
        repository().join("examples/enhance-certificate-digital-transformation.toml"),
    )
    .unwrap();
    let text = text
        .replace("profiles = [\"eu-2022\", \"enhance-2021\"]\n", "")
        .replace("catalogue = \"catalogues/enhance.toml\"\n", "")
        .replace("ects = 5", "ects = 2.5");
    let spec = write(&dir, "spec.toml", &text);
    let output = microcred(&[
        "--alliance",
        alliance,
        "spec",
        "check",
        "--format",
        "json",
        &spec,
    ]);
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(
        report["files"][0]["profiles"],
        serde_json::json!(["eu-2022", "enhance-2021", "national-3-30"])
    );
    let rules: Vec<&str> = report["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"national-3-30/ects-range"), "{rules:?}");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn the_committed_json_schemas_are_current() {
    for (args, file) in [
        (vec!["spec", "schema"], "schema/specification.schema.json"),
        (
            vec!["spec", "schema", "--catalogue"],
            "schema/catalogue.schema.json",
        ),
    ] {
        let output = microcred(&args);
        let committed = std::fs::read_to_string(repository().join(file)).expect("committed schema");
        assert_eq!(
            stdout(&output),
            committed,
            "{file} is stale: run `microcred {} > {file}`",
            args.join(" ")
        );
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("microcred-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("written");
    path.display().to_string()
}

/// Bad input: each is refused with exit 2 and an error naming the line, column and field.
#[test]
fn bad_input_is_located_and_exits_2() {
    let dir = scratch("bad");
    let catalogue = repository()
        .join("examples/catalogues/enhance.toml")
        .display()
        .to_string();
    let head = format!("id = \"x\"\ncatalogue = \"{catalogue}\"\n");
    // (file name, content, expected line, column, field, words in the message)
    let cases: Vec<(&str, String, usize, usize, &str, &str)> = vec![
        (
            "malformed.toml",
            "id = \"x\"\ntitle = \"unterminated\n".into(),
            2,
            22,
            "",
            "TOML syntax",
        ),
        (
            "unknown-field.toml",
            format!("{head}titel = \"A\"\n"),
            3,
            1,
            "titel",
            "did you mean `title`",
        ),
        (
            "nested-unknown.toml",
            format!("{head}[workload]\netcs = 3\n"),
            4,
            1,
            "workload.etcs",
            "did you mean `ects`",
        ),
        (
            "wrong-type.toml",
            format!("{head}[workload]\nhours = \"many\"\n"),
            4,
            9,
            "workload.hours",
            "whole number",
        ),
        (
            "negative-ects.toml",
            format!("{head}[workload]\nects = -2\n"),
            4,
            8,
            "workload.ects",
            "greater than 0",
        ),
        (
            "absurd-ects.toml",
            format!("{head}[workload]\nects = 1000\n"),
            4,
            8,
            "workload.ects",
            "not plausible",
        ),
        (
            "eqf-9.toml",
            format!("{head}[level]\neqf = 9\n"),
            4,
            7,
            "level.eqf",
            "1 to 8",
        ),
        (
            "empty-title.toml",
            format!("{head}title = \"  \"\n"),
            3,
            9,
            "title",
            "empty",
        ),
        (
            "unknown-language.toml",
            format!("{head}[further_information]\nlanguages = [\"en\", \"english\"]\n"),
            4,
            20,
            "further_information.languages[1]",
            "ISO 639-1",
        ),
        (
            "unknown-country.toml",
            "id = \"x\"\n[[universities]]\nid = \"u\"\nlegal_name = \"U\"\ncountry = \"XX\"\n"
                .into(),
            5,
            11,
            "universities[0].country",
            "ISO 3166-1",
        ),
        (
            "unknown-mode.toml",
            format!("{head}[participation]\nmode = \"onlin\"\n"),
            4,
            8,
            "participation.mode",
            "did you mean `online`",
        ),
        (
            "duplicate-element.toml",
            format!(
                "{head}[[course_elements]]\nid = \"wut:sustainable-business-models\"\nuniversity = \"wut\"\ntitle = \"Again\"\n"
            ),
            4,
            6,
            "course_elements[0].id",
            "defined twice",
        ),
        (
            "listed-twice.toml",
            format!("{head}elements = [\"tub:innovation-lab\", \"tub:innovation-lab\"]\n"),
            3,
            35,
            "elements[1]",
            "listed twice",
        ),
        (
            "unknown-element.toml",
            format!("{head}elements = [\"tub:inovation-lab\"]\n"),
            3,
            13,
            "elements[0]",
            "did you mean `tub:innovation-lab`",
        ),
        (
            "unknown-profile.toml",
            format!("{head}profiles = [\"eu-2022\", \"enhance-2012\"]\n"),
            3,
            24,
            "profiles[1]",
            "unknown rule profile",
        ),
        (
            "missing-catalogue.toml",
            "id = \"x\"\ncatalogue = \"nowhere.toml\"\n".into(),
            2,
            13,
            "catalogue",
            "cannot read",
        ),
        (
            "bad-id.toml",
            "id = \"Not An Id\"\n".into(),
            1,
            6,
            "id",
            "valid identifier",
        ),
        (
            "bad-date.toml",
            format!("{head}[participation]\nstart = \"2026-02-30\"\n"),
            4,
            9,
            "participation.start",
            "not a date",
        ),
        (
            "bad-esco.toml",
            format!(
                "{head}[[learning_outcomes]]\ntext = \"t\"\nesco_skills = [\"http://example.org/x\"]\n"
            ),
            5,
            16,
            "learning_outcomes[0].esco_skills[0]",
            "ESCO",
        ),
        (
            "bad-nan.toml",
            format!("{head}[workload]\nects = nan\n"),
            4,
            8,
            "workload.ects",
            "ECTS",
        ),
        (
            "json-syntax.json",
            "{\"id\": \"x\",\n \"title\": }".into(),
            2,
            11,
            "",
            "JSON syntax",
        ),
        (
            "json-eqf.json",
            "{\"id\": \"x\",\n \"level\": {\"eqf\": 9}}".into(),
            2,
            19,
            "level.eqf",
            "1 to 8",
        ),
        (
            "json-deep.json",
            format!(
                "{{\"id\": \"x\", \"description\": {}{}}}",
                "[".repeat(5000),
                "]".repeat(5000)
            ),
            1,
            1,
            "",
            "nest",
        ),
        (
            "not-a-table.json",
            "[1, 2]".into(),
            1,
            1,
            "",
            "table of fields",
        ),
    ];
    let mut failures = Vec::new();
    for (name, content, line, column, field, words) in cases {
        let path = write(&dir, name, &content);
        let output = microcred(&["spec", "check", "--format", "json", &path]);
        assert_eq!(output.status.code(), Some(2), "{name}: {}", stdout(&output));
        let report: Value =
            serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{name}: {e}"));
        let error = &report["files"][0]["error"];
        let text = format!("{} {}", error["message"], error["help"]);
        assert!(text.contains(words), "{name}: {error}");
        if words != "nest"
            && (error["line"].as_u64(), error["column"].as_u64())
                != (Some(line as u64), Some(column as u64))
        {
            failures.push(format!("{name}: expected {line}:{column}, got {error}"));
        }
        if !field.is_empty() && error["field"] != field {
            failures.push(format!("{name}: expected field {field}, got {error}"));
        }
        // The human form names the file and the position too.
        let human = stdout(&microcred(&["spec", "check", &path]));
        assert!(
            human.contains(&format!("{name}:{}:{}", error["line"], error["column"])),
            "{name}: {human}"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn very_large_and_non_utf8_files_are_refused() {
    let dir = scratch("large");
    let large = write(
        &dir,
        "large.toml",
        &format!(
            "id = \"x\"\ndescription = \"{}\"\n",
            "a".repeat(3 * 1024 * 1024)
        ),
    );
    let output = microcred(&["spec", "check", &large]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).contains("at most"), "{}", stdout(&output));
    let path = dir.join("latin1.toml");
    std::fs::write(&path, b"id = \"x\"\ntitle = \"Z\xeb\"\n").unwrap();
    let output = microcred(&[
        "spec",
        "check",
        "--format",
        "json",
        &path.display().to_string(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["files"][0]["error"]["line"], 2);
    assert!(
        report["files"][0]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("UTF-8")
    );
    let output = microcred(&["spec", "check", "no/such/file.toml"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn json_specifications_check_like_their_toml_twins() {
    let findings = |file: &str| {
        let output = microcred(&[
            "spec",
            "check",
            "--format",
            "json",
            "--profile",
            "eu-2022",
            "--profile",
            "enhance-2021",
            "--profile",
            "euroteq-2022",
            file,
        ]);
        let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
        let list: Vec<(String, String)> = report["files"][0]["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_owned(),
                    f["location"]["field"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        (output.status.code(), list)
    };
    for (toml, json) in [
        (
            "examples/enhance-certificate-sustainable-entrepreneurship.toml",
            "examples/json/enhance-certificate-sustainable-entrepreneurship.json",
        ),
        (
            "examples/non-conforming/certificate-too-small.toml",
            "examples/json/certificate-too-small.json",
        ),
    ] {
        assert_eq!(findings(toml), findings(json), "{json}");
    }
    assert!(findings("examples/json/certificate-too-small.json").1.len() > 20);
}

/// A closed pipe (`… | head -1`) or a full disk ends the command with exit code 3 and one
/// line saying so, never a panic.
#[test]
fn a_closed_or_full_output_ends_cleanly() {
    use std::process::Stdio;
    let mut files = Vec::new();
    for _ in 0..100 {
        files.extend(examples("examples/non-conforming"));
    }
    let args: Vec<&str> = ["spec", "check"]
        .into_iter()
        .chain(files.iter().map(String::as_str))
        .collect();

    // The reader goes away before the report is written: far more than a pipe holds.
    let mut child = Command::new(env!("CARGO_BIN_EXE_microcred"))
        .args(&args)
        .current_dir(repository())
        .env("NO_COLOR", "1")
        .env_remove("MICROCRED_ALLIANCE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let errors = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{errors}");
    assert!(
        errors.contains("the output could not be written"),
        "{errors}"
    );
    assert!(!errors.contains("panicked"), "{errors}");

    if let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") {
        let output = Command::new(env!("CARGO_BIN_EXE_microcred"))
            .args([
                "spec",
                "check",
                "examples/non-conforming/incomplete-draft.toml",
            ])
            .current_dir(repository())
            .stdout(full)
            .output()
            .unwrap();
        let errors = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(3), "{errors}");
        assert!(errors.contains("No space left"), "{errors}");
    }
}

/// `microcred grades convert` on the worked example of the ECTS grading-table literature:
/// source C (51.49–88.08 %) overlaps target C by 13.51 points and B by 23.08.
#[test]
fn grades_convert_reproduces_the_worked_example() {
    let (from, to) = (
        "examples/grades/worked-example-source.csv",
        "examples/grades/worked-example-target.csv",
    );
    for (policy, expected) in [("lowest", "C"), ("highest", "B"), ("largest-overlap", "B")] {
        let out = microcred(&[
            "grades", "convert", "C", "--from", from, "--to", to, "--policy", policy, "--format",
            "json",
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["grade"], expected, "{json:#}");
        assert_eq!(json["policy"], policy);
        assert_eq!(json["source"]["band"], serde_json::json!([51.49, 88.08]));
        assert_eq!(json["source"]["total"], 369);
        assert_eq!(
            json["candidates"],
            serde_json::json!([
                { "grade": "C", "band": [35.0, 65.0], "overlap": 13.51 },
                { "grade": "B", "band": [65.0, 90.0], "overlap": 23.08 }
            ])
        );
    }
    let human = microcred(&["grades", "convert", "C", "--from", from, "--to", to]);
    assert_eq!(
        stdout(&human),
        format!(
            "C → B (largest-overlap policy)\n  C in {from} (N = 369): 51.49–88.08 %\n  overlapping grades in {to} (N = 100):\n    C        35.00–65.00 %  overlap 13.51 points\n    B        65.00–90.00 %  overlap 23.08 points  ← suggested\n"
        )
    );
    // A grade the table does not have, and a table with a fault: exit 2, what and where.
    let unknown = microcred(&["grades", "convert", "F", "--from", from, "--to", to]);
    assert_eq!(unknown.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&unknown.stderr),
        "error: `F` is not a grade of the table (its grades: E, D, C, B, A)\n"
    );
    let broken = microcred(&["grades", "convert", "C", "--from", "Cargo.toml", "--to", to]);
    assert_eq!(broken.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&broken.stderr).starts_with("error: Cargo.toml:"),
        "{}",
        String::from_utf8_lossy(&broken.stderr)
    );
}
