//! The web pages in a real headless Chromium (Debian's `chromium` and `chromium-driver`, driven
//! over WebDriver), on the demo alliance: a teacher writes a specification with mistakes, sees
//! the rules' findings appear beside the form as they type, fixes them and submits; the jury
//! advises and the board approves; a registrar uploads results, sees the rows that cannot be
//! used, stores the others and issues with progress; the learner downloads the credential; a
//! stranger verifies it from its link and as a file, then a tampered copy. On every main page
//! the same audit runs: labelled inputs, text contrast, one heading, no sideways scrolling at
//! phone width. Screenshots of each page go to `target/web-screenshots/` (CI keeps them).
//!
//! Needs `chromedriver` and `chromium` (or `MICROCRED_CHROMEDRIVER`, `MICROCRED_CHROMIUM`);
//! without them the test says so and passes, except under `CI=true`, where it fails.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use microcred_app::Checker;
use microcred_app::platform::{Config, Platform};
use microcred_store::testing;

const PASSWORD: &str = microcred_app::platform::demo::PASSWORD;
/// WebDriver's keys (W3C WebDriver §17.4.2).
const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// A program named by `variable`, or found on the PATH under one of `names`.
fn program(variable: &str, names: &[&str]) -> Option<PathBuf> {
    if let Ok(path) = std::env::var(variable) {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// The demo alliance served on a free port over a fresh SQLite database.
fn start_demo() -> String {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let store = testing::sqlite().await;
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let base = format!("http://{}", listener.local_addr().unwrap());
            let platform = Platform::new(
                store,
                Config {
                    public_url: base.clone(),
                    key_encryption_key: [5; 32],
                    suspension: true,
                    sign_in: Default::default(),
                },
                Checker::new(None).unwrap(),
            )
            .with_formats(microcred_app::edc::issuing_formats(
                true,
                Some(format!("{base}/verify")),
            ));
            platform.demo().await.unwrap();
            sender.send(base).unwrap();
            microcred_server::serve(listener, platform).await.unwrap();
        });
    });
    receiver.recv().unwrap()
}

/// chromedriver, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_driver(chromedriver: &Path) -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{} does not start: {e}", chromedriver.display()));
    let url = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "chromedriver did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Driver { child, url }
}

/// One browser window (its own profile, so its own cookies) and what the test keeps of it.
struct Browser {
    client: Client,
    base: String,
    shots: PathBuf,
    downloads: PathBuf,
    _profile: PathBuf,
}

/// The accessibility audit run on each main page; it answers a list of problems.
const AUDIT: &str = r#"
const problems = [];
const visible = (el) => { const s = getComputedStyle(el); const r = el.getBoundingClientRect();
  return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0; };
const name = (el) => (el.getAttribute('aria-label') || '').trim() ||
  (el.getAttribute('aria-labelledby') || '').split(' ').map(id => document.getElementById(id))
    .filter(Boolean).map(e => e.textContent.trim()).join(' ');
if (!document.documentElement.lang) problems.push('the page has no lang');
if (!document.title.trim()) problems.push('the page has no title');
if (document.querySelectorAll('h1').length !== 1) problems.push(document.querySelectorAll('h1').length + ' h1 headings');
for (const el of document.querySelectorAll('input, select, textarea')) {
  if (el.type === 'hidden') continue;
  const labelled = (el.labels && [...el.labels].some(l => l.textContent.trim())) || name(el);
  if (!labelled) problems.push('no label: ' + el.outerHTML.slice(0, 80));
}
for (const el of document.querySelectorAll('button, a[href]')) {
  if (visible(el) && !(el.textContent.trim() || name(el))) problems.push('no name: ' + el.outerHTML.slice(0, 80));
}
for (const el of document.querySelectorAll('img')) {
  if (!el.hasAttribute('alt')) problems.push('no alt: ' + el.outerHTML.slice(0, 80));
}
const ids = new Set();
for (const el of document.querySelectorAll('[id]')) {
  if (ids.has(el.id)) problems.push('id used twice: ' + el.id); ids.add(el.id);
}
// WCAG 2.1 contrast (1.4.3): 4.5:1, or 3:1 for large text.
const rgba = (text) => { const m = text.match(/[\d.]+/g) || [0, 0, 0, 0];
  return [+m[0], +m[1], +m[2], m.length > 3 ? +m[3] : 1]; };
const luminance = ([r, g, b]) => { const c = [r, g, b].map(v => { v /= 255;
  return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]; };
const background = (el) => { let color = [255, 255, 255];
  const layers = [];
  for (let e = el; e; e = e.parentElement) { const c = rgba(getComputedStyle(e).backgroundColor);
    if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; } }
  for (const c of layers.reverse()) color = color.map((v, i) => c[i] * c[3] + v * (1 - c[3]));
  return color; };
for (const el of document.querySelectorAll('body *')) {
  const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  if (!own || !visible(el)) continue;
  const s = getComputedStyle(el);
  const fg = rgba(s.color); const bg = background(el);
  const mixed = fg.slice(0, 3).map((v, i) => v * fg[3] + bg[i] * (1 - fg[3]));
  const [a, b] = [luminance(mixed), luminance(bg)].sort((x, y) => y - x);
  const ratio = (a + 0.05) / (b + 0.05);
  const size = parseFloat(s.fontSize); const bold = parseInt(s.fontWeight) >= 700;
  const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
  if (ratio < needed) problems.push('contrast ' + ratio.toFixed(2) + ':1 of "' + el.textContent.trim().slice(0, 40) + '"');
}
return problems;
"#;

impl Browser {
    async fn open(driver: &Driver, chromium: &Path, base: &str, shots: &Path) -> Browser {
        let profile =
            std::env::temp_dir().join(format!("microcred-chromium-{}", microcred_store::new_id()));
        let downloads = profile.join("downloads");
        std::fs::create_dir_all(&downloads).unwrap();
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                // DEVELOPERS.md: the flags this machine's Chromium needs (no network beyond loopback).
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update",
                         "--disable-sync", "--disable-quic", "--window-size=1280,900",
                         format!("--user-data-dir={}", profile.join("profile").display())],
                "prefs": {
                    "download.default_directory": downloads,
                    "download.prompt_for_download": false,
                },
            }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url)
            .await
            .expect("chromedriver starts a Chromium session");
        Browser {
            client,
            base: base.to_owned(),
            shots: shots.to_owned(),
            downloads,
            _profile: profile,
        }
    }

    async fn go(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
    }

    async fn find(&self, css: &str) -> fantoccini::elements::Element {
        match self
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => panic!("no `{css}` on {}: {e}", self.url().await),
        }
    }

    async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap()
    }

    async fn fill(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        element.clear().await.unwrap();
        element.send_keys(text).await.unwrap();
    }

    /// Chooses an option of a `<select>` by its value.
    async fn select(&self, css: &str, value: &str) {
        self.find(css).await.select_by_value(value).await.unwrap();
    }

    async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap();
    }

    /// Clicks what sends a form or follows a link, and waits for the next page.
    async fn click_and_load(&self, css: &str) {
        self.client
            .execute("window.__before = true;", vec![])
            .await
            .unwrap();
        self.click(css).await;
        self.wait_for_load().await;
    }

    async fn wait_for_load(&self) {
        let started = Instant::now();
        loop {
            let loaded = self
                .client
                .execute(
                    "return !window.__before && document.readyState === 'complete';",
                    vec![],
                )
                .await
                .ok();
            if loaded == Some(Value::Bool(true)) {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "no new page after {}",
                self.url().await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn url(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default()
    }

    /// Uploads `file` on the verification page and waits for the result.
    async fn verify_file(&self, file: &Path) {
        self.go("/verify").await;
        self.find("#file")
            .await
            .send_keys(&file.display().to_string())
            .await
            .unwrap();
        self.click_and_load("form[action='/verify'] button").await;
    }

    /// The verification page's verdict (`valid`, `tampered`, …).
    async fn verdict(&self) -> String {
        let sentence = self.find("#result .sentence").await;
        sentence
            .attr("data-verdict")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    async fn body(&self) -> String {
        self.text("body").await
    }

    /// Waits until the page's text says `expected` (the live findings arrive after a pause).
    async fn wait_for_text(&self, css: &str, expected: &str, present: bool) {
        let started = Instant::now();
        loop {
            let text = self.text(css).await;
            if text.contains(expected) == present {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "`{css}` {} `{expected}`: {text}",
                if present { "never said" } else { "still says" }
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves a screenshot, runs the accessibility audit at desktop and phone width.
    async fn page(&self, name: &str) {
        let problems = self.client.execute(AUDIT, vec![]).await.unwrap();
        assert_eq!(
            problems,
            json!([]),
            "accessibility of {name} ({})",
            self.url().await
        );
        std::fs::write(
            self.shots.join(format!("{name}.png")),
            self.client.screenshot().await.unwrap(),
        )
        .unwrap();
        self.client.set_window_size(390, 844).await.unwrap();
        let overflow = self
            .client
            .execute(
                "return document.documentElement.scrollWidth - window.innerWidth;",
                vec![],
            )
            .await
            .unwrap();
        if overflow.as_i64().unwrap_or(0) > 0 {
            let wide = self
                .client
                .execute(
                    "const clipped = (e) => { for (let p = e.parentElement; p; p = p.parentElement) { if (getComputedStyle(p).overflowX !== 'visible') return true; } return false; }; return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !clipped(e)).slice(0, 5).map(e => e.outerHTML.slice(0, 120));",
                    vec![],
                )
                .await
                .unwrap();
            panic!("{name} scrolls sideways at phone width by {overflow}px: {wide}");
        }
        std::fs::write(
            self.shots.join(format!("{name}-phone.png")),
            self.client.screenshot().await.unwrap(),
        )
        .unwrap();
        self.client.set_window_size(1280, 900).await.unwrap();
    }

    /// Signs in with the keyboard alone: Tab to each field, Enter to send.
    async fn sign_in(&self, email: &str) {
        self.go("/sign-in").await;
        self.find("#email").await.click().await.unwrap();
        let active = self.client.active_element().await.unwrap();
        active
            .send_keys(&format!("{email}{TAB}{PASSWORD}{ENTER}"))
            .await
            .unwrap();
        let started = Instant::now();
        while self.url().await.contains("/sign-in") {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{email} is not signed in: {}",
                self.body().await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn sign_out(&self) {
        self.click_and_load("header .account button").await;
        self.find(".notice").await;
    }

    /// The downloaded file named `*suffix`, once Chromium has written it whole.
    async fn downloaded(&self, suffix: &str) -> PathBuf {
        let started = Instant::now();
        loop {
            let found = std::fs::read_dir(&self.downloads)
                .unwrap()
                .filter_map(Result::ok)
                .map(|e| e.path())
                .find(|p| p.to_string_lossy().ends_with(suffix));
            if let Some(path) = found {
                return path;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "nothing ending in {suffix} was downloaded"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_journeys_through_the_pages_in_chromium() {
    let (Some(chromedriver), Some(chromium)) = (
        program("MICROCRED_CHROMEDRIVER", &["chromedriver"]),
        program("MICROCRED_CHROMIUM", &["chromium", "chromium-browser"]),
    ) else {
        assert!(
            !in_ci(),
            "chromedriver and chromium are needed under CI=true (apt-get install chromium chromium-driver)"
        );
        eprintln!("browser journeys not run: install chromium and chromium-driver");
        return;
    };
    let shots = root().join("target/web-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let base = start_demo();
    let driver = start_driver(&chromedriver);
    let browser = Browser::open(&driver, &chromium, &base, &shots).await;

    public_catalogue(&browser).await;
    browser.go("/sign-in").await;
    browser.page("sign-in").await;
    let spec = teacher_writes_and_submits(&browser).await;
    review_approves(&browser, &spec).await;
    let (zoe, lena) = registrar_imports_and_issues(&browser, &spec).await;
    let file = learner_downloads(&browser, &zoe, &lena).await;
    stranger_verifies(&browser, &zoe, &lena, &file).await;
    stranger_converts_a_grade(&browser).await;
    registrar_publishes_grade_tables(&browser).await;
    teacher_writes_a_stacked_rule(&browser).await;
    learner_stacks(&browser).await;
    registrar_revokes(&browser, &lena).await;
    administrator_rotates_and_adds(&browser).await;

    browser.client.close().await.unwrap();
}

/// Anyone: the catalogue, searched and filtered; a specification's 16 elements; the skip link.
async fn public_catalogue(b: &Browser) {
    b.go("/").await;
    b.page("catalogue").await;
    // Keyboard: the first Tab reaches the skip link, which moves to the content.
    b.find("body").await.send_keys(TAB).await.unwrap();
    let focused = b.client.active_element().await.unwrap();
    assert_eq!(
        focused.attr("class").await.unwrap().as_deref(),
        Some("skip")
    );
    focused.send_keys(ENTER).await.unwrap();
    let focused = b.client.active_element().await.unwrap();
    assert_eq!(focused.attr("id").await.unwrap().as_deref(), Some("main"));

    b.fill("#q", "entrepreneurship").await;
    b.select("#typology", "academic-certificate").await;
    b.click_and_load(".filters button").await;
    assert_eq!(
        b.find("#result-count")
            .await
            .attr("data-count")
            .await
            .unwrap()
            .as_deref(),
        Some("1")
    );
    b.fill("#q", "no such words anywhere").await;
    b.click_and_load(".filters button").await;
    assert_eq!(
        b.find("#result-count")
            .await
            .attr("data-count")
            .await
            .unwrap()
            .as_deref(),
        Some("0")
    );
    b.go("/?min_ects=abc").await;
    assert!(
        b.body().await.contains("`abc` is not a number"),
        "{}",
        b.body().await
    );

    b.go("/").await;
    b.click_and_load("#results a").await;
    let elements = b.text("#elements").await;
    for element in microcred_model::StandardElement::all() {
        assert!(
            elements.contains(element.name()),
            "{} missing: {elements}",
            element.name()
        );
    }
    b.page("specification").await;
}

/// The rest of the teacher's form, input by input ("tick:" ticks a checkbox of a group).
const SPECIFICATION_FORM: &[(&str, &str)] = &[
    (
        "description",
        "Students learn to judge a business model's sustainability with data.",
    ),
    ("elements", "tick:wut:sustainable-business-models"),
    ("elements", "tick:rwth:data-literacy-mooc"),
    (
        "combination_rationale",
        "The RWTH MOOC teaches reading data; the WUT course applies it to business models.",
    ),
    (
        "learning_outcomes",
        "Interpret sustainability data about a company.\nAnalyse a business model against environmental criteria.",
    ),
    ("workload.hours", "100"),
    ("level.eqf", "6"),
    ("level.qf_ehea_cycle", "first"),
    ("participation.mode", "online"),
    ("participation.organisation", "group-of-courses"),
    ("participation.timeframe", "self-paced"),
    ("prerequisites", "None."),
    ("assessment.methods", "tick:online-test"),
    ("assessment.methods", "tick:project"),
    ("assessment.supervision", "supervised-with-id-verification"),
    (
        "assessment.description",
        "An online test and a graded project.",
    ),
    ("awarding.rule", "lead-university"),
    ("awarding.lead", "rwth"),
    ("quality_assurance.type", "internal"),
    ("quality_assurance.body", "RWTH Quality Management"),
    ("grading.scheme", "German scale 1.0–5.0 (RWTH)"),
    ("stackability.option", "stackable"),
    ("further_information.languages", "en"),
    (
        "further_information.target_group",
        "Bachelor's students of ENHANCE universities",
    ),
];

/// A teacher's new specification: errors beside the form as they type, fixed, submitted.
async fn teacher_writes_and_submits(b: &Browser) -> String {
    let id = "enhance-certificate-data-driven-sustainability";
    b.sign_in("teacher@wut.example").await;
    b.go("/specifications/new").await;
    b.fill("[name='id']", id).await;
    b.fill(
        "[name='title']",
        "ENHANCE Certificate in Data-Driven Sustainability",
    )
    .await;
    b.select("[name='typology']", "academic-certificate").await;
    b.click("[name='profiles'][value='enhance-2021']").await;
    b.fill("[name='workload.ects']", "0.5").await;
    // The findings arrive while typing, without pressing Check: the panel, and beside the input.
    b.wait_for_text("#findings", "enhance-2021/certificate-ects-minimum", true)
        .await;
    b.wait_for_text("[data-field='workload.ects']", "0.5 ECTS", true)
        .await;
    b.page("editor-with-errors").await;

    // EuroTeQ's checklist, answered by its rules, appears when its profile is chosen.
    b.click("[name='profiles'][value='euroteq-2022']").await;
    b.wait_for_text("#findings", "Checklist of", true).await;
    assert!(
        b.find("#findings .checklist li")
            .await
            .is_displayed()
            .await
            .unwrap()
    );
    b.click("[name='profiles'][value='euroteq-2022']").await;
    b.wait_for_text("#findings", "Checklist of", false).await;

    // Fixed: the rest of the form, as a teacher fills it in.
    b.fill("[name='workload.ects']", "4").await;
    b.wait_for_text("#findings", "certificate-ects-minimum", false)
        .await;
    for (input, value) in SPECIFICATION_FORM {
        let css = format!("[name='{input}']");
        match b.find(&css).await.tag_name().await.unwrap().as_str() {
            "select" => b.select(&css, value).await,
            // A checkbox group: tick the one with this value.
            "input" if value.starts_with("tick:") => {
                b.click(&format!("{css}[value='{}']", &value[5..])).await
            }
            _ => b.fill(&css, value).await,
        }
    }
    b.click_and_load("button[value='check']").await;
    let findings = b.text("#findings").await;
    assert!(
        b.find("#findings .ok").await.is_displayed().await.unwrap(),
        "errors remain: {findings}"
    );
    b.click_and_load("button[value='save']").await;
    b.find(".notice").await;
    assert!(
        b.url()
            .await
            .ends_with(&format!("/specifications/{id}/edit?done=created")),
        "{}",
        b.url().await
    );
    b.page("editor-saved").await;
    b.fill("#comment", "RWTH and WUT courses, ready for the jury")
        .await;
    b.click_and_load("#submit-for-review").await;
    b.wait_for_text("#state", "submitted", true).await;
    b.page("specification-submitted").await;
    b.sign_out().await;
    String::from(id)
}

/// The jury and the task group advise, the board approves; a later edit makes version 2,
/// whose differences from version 1 the specification's page links to.
async fn review_approves(b: &Browser, id: &str) {
    for (reviewer, choice) in [
        ("jury@enhance.example", "#r-approve"),
        ("task-group@enhance.example", "#r-approve"),
    ] {
        b.sign_in(reviewer).await;
        assert!(
            b.url().await.ends_with("/review"),
            "{reviewer} starts at {}",
            b.url().await
        );
        if reviewer.starts_with("jury") {
            b.page("review-queue").await;
        }
        b.click_and_load(&format!("#queue a[href='/specifications/{id}']"))
            .await;
        b.click(choice).await;
        b.fill("#advice-comment", "The MOOC prepares the WUT course well.")
            .await;
        b.click_and_load("form.decision button").await;
        assert!(
            b.text(".notice").await.contains("advice is recorded"),
            "{}",
            b.body().await
        );
        b.sign_out().await;
    }
    b.sign_in("board@enhance.example").await;
    b.go(&format!("/specifications/{id}")).await;
    let history = b.text(".history").await;
    assert_eq!(history.matches("advice").count(), 2, "{history}");
    b.page("review-decision").await;
    // Requesting changes needs a reason: the page says so, nothing changes.
    b.click("#d-changes").await;
    b.click_and_load("#decide").await;
    assert!(b.body().await.contains("say why"), "{}", b.body().await);
    b.go(&format!("/specifications/{id}")).await;
    b.wait_for_text("#state", "submitted", true).await;
    b.click("#d-approve").await;
    b.fill(
        "#decision-reason",
        "Approved at the board meeting of 2026-07-01.",
    )
    .await;
    b.click_and_load("#decide").await;
    b.wait_for_text("#state", "published", true).await;
    b.sign_out().await;

    // The teacher changes the published specification: a new version, the first stays.
    b.sign_in("teacher@wut.example").await;
    b.go(&format!("/specifications/{id}/edit")).await;
    b.fill("[name='workload.hours']", "110").await;
    b.click_and_load("button[value='save']").await;
    b.go(&format!("/specifications/{id}")).await;
    b.click_and_load("a[href*='/changes?from=1']").await;
    let changes = b.text("table.changes").await;
    assert!(
        changes.contains("workload.hours") && changes.contains("100") && changes.contains("110"),
        "{changes}"
    );
    b.page("version-changes").await;
    b.go("/").await;
    assert!(
        b.body().await.contains("Data-Driven Sustainability"),
        "the published version is in the catalogue"
    );
    b.sign_out().await;
}

const RESULTS: &str = "learner,given_names,family_names,date_of_birth,nationality,email,student_id,element,completed_on,grade,overall_grade
zoe@learner.example,Zoë,Łukasiewicz-Παπαδοπούλου,2001-04-12,PL;GR,zoe@learner.example,RW-1001,rwth:data-literacy-mooc,2026-07-01,1.3,1.3
lena@learner.example,Lena,Müller,1999-11-23,DE,lena@learner.example,RW-1002,rwth:data-literacy-mooc,2026-07-02,2.0,2.0
jan@learner.example,Jan,Kowalski,2000-01-02,PL,jan@learner.example,RW-1003,wut:sustainable-business-models,2026-07-02,4.0,4.0
sofia@learner.example,Sofía,García López,2000-07-30,ES,sofia@learner.example,RW-1004,rwth:data-literacy-mooc,2026-13-45,1.7,1.7
";

/// A registrar of RWTH uploads results, sees the rows that cannot be used, stores the rest,
/// issues with progress, and suspends one credential. Answers (Zoë's, Lena's) credentials.
async fn registrar_imports_and_issues(b: &Browser, id: &str) -> (String, String) {
    b.sign_in("registrar@rwth.example").await;
    b.go("/registrar/import").await;
    b.page("import").await;
    let file = b.downloads.parent().unwrap().join("rwth-results.csv");
    std::fs::write(&file, RESULTS).unwrap();
    b.find("#file")
        .await
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
    b.click_and_load("form[action='/registrar/import'] button")
        .await;
    let problems = b.text("#row-problems").await;
    assert!(
        problems.contains("row 4") && problems.contains("belongs to `wut`"),
        "{problems}"
    );
    assert!(
        problems.contains("row 5") && problems.contains("completed_on"),
        "{problems}"
    );
    let summary = b.text("#preview [role='status']").await;
    assert!(
        summary.contains("4 rows")
            && summary.contains("2 learners")
            && summary.contains("2 rows cannot"),
        "{summary}"
    );
    b.page("import-preview").await;
    b.click_and_load("#confirm-import").await;
    assert!(
        b.text("#import-report").await.contains("2 rows stored"),
        "{}",
        b.body().await
    );
    b.page("import-report").await;

    b.click_and_load("#import-report a.button").await;
    // Only what RWTH awards is offered (not WUT's certificate in entrepreneurship).
    let offered = b
        .client
        .find_all(Locator::Css("#specification option[value]:not([value=''])"))
        .await
        .unwrap();
    // Its own: the new specification, research data management and the data literacy label.
    assert_eq!(offered.len(), 3, "{}", b.text("#specification").await);
    assert!(!b.text("#specification").await.contains("Entrepreneurship"));
    b.select("#specification", id).await;
    b.page("issue").await;
    b.click_and_load("#start-issue").await;
    // The run's page refreshes itself until the issuing is done.
    let started = Instant::now();
    while b.client.find(Locator::Css("#issue-done")).await.is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "issuing never finished: {}",
            b.body().await
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let done = b.text("#issue-done").await;
    assert!(done.contains("2 credentials issued"), "{done}");
    b.page("issue-done").await;

    b.click_and_load("#issue-done a.button").await;
    let rows = b
        .client
        .find_all(Locator::Css("#credential-list tbody tr"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 2, "{}", b.text("#credential-list").await);
    let mut ids = (String::new(), String::new());
    for row in rows {
        let credential = row.attr("data-credential").await.unwrap().unwrap();
        let text = row.text().await.unwrap();
        if text.contains("Zoë") {
            ids.0 = credential;
        } else if text.contains("Lena") {
            ids.1 = credential;
        }
    }
    assert!(
        !ids.0.is_empty() && !ids.1.is_empty(),
        "{}",
        b.text("#credential-list").await
    );
    b.page("credentials").await;
    change_state(
        b,
        &ids.1,
        "suspend",
        "Under review by the examination board.",
    )
    .await;
    b.sign_out().await;
    ids
}

/// A registrar changes a credential's state on the credentials page, with a reason.
async fn change_state(b: &Browser, credential: &str, action: &str, reason: &str) {
    let row = format!("#credential-list tr[data-credential='{credential}']");
    b.fill(&format!("{row} input[name='reason']"), reason).await;
    b.select(&format!("{row} select[name='action']"), action)
        .await;
    b.click_and_load(&format!("{row} form[action$='/state'] button"))
        .await;
    let state = b
        .find(&format!(
            "#credential-list tr[data-credential='{credential}']"
        ))
        .await;
    let expected = if action == "suspend" {
        "suspended"
    } else {
        "revoked"
    };
    assert_eq!(
        state.attr("data-state").await.unwrap().as_deref(),
        Some(expected)
    );
    assert!(state.text().await.unwrap().contains(reason));
}

/// The registrar revokes a suspended credential; its link then says revoked.
async fn registrar_revokes(b: &Browser, credential: &str) {
    b.sign_in("registrar@rwth.example").await;
    b.go("/registrar/credentials").await;
    let link = registrar_invites(b, credential).await;
    b.go("/registrar/credentials").await;
    change_state(
        b,
        credential,
        "revoke",
        "Issued in error: the result was another learner's.",
    )
    .await;
    b.sign_out().await;
    b.go(&format!("/verify?credential={credential}")).await;
    assert_eq!(b.verdict().await, "revoked");
    b.page("verify-revoked").await;
    learner_accepts_the_invitation(b, &link, credential).await;
}

/// The registrar invites the holder of `credential` to an account: a link to hand them.
async fn registrar_invites(b: &Browser, credential: &str) -> String {
    b.click_and_load(&format!(
        "tr[data-credential='{credential}'] form[action$='/invitation'] button"
    ))
    .await;
    b.page("invitation-issued").await;
    let link = b
        .find("#invitation-link")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    assert!(
        link.starts_with(&format!("{}/invitations/", b.base)),
        "{link}"
    );
    link
}

/// The learner opens the link, makes her account, and lands on her credentials.
async fn learner_accepts_the_invitation(b: &Browser, link: &str, credential: &str) {
    let path = link.strip_prefix(&b.base).unwrap();
    b.go(path).await;
    b.page("invitation").await;
    b.fill("#email", "lena.invited@learner.example").await;
    b.fill("#password", "her own long password").await;
    b.fill("#password_again", "her own long password").await;
    b.click_and_load("#invitation-form button").await;
    assert!(
        b.url().await.contains("/my/credentials"),
        "{}: {}",
        b.url().await,
        b.body().await
    );
    b.find(".notice").await;
    b.find(&format!(
        "#my-credentials a[href='/my/credentials/{credential}']"
    ))
    .await;
    b.sign_out().await;
    // Used once: the link now says so.
    b.go(path).await;
    b.find("#invitation-closed").await;
}

/// The learner sees her credentials, shares one, downloads it as JSON and as a PDF, and cannot
/// open somebody else's.
async fn learner_downloads(b: &Browser, credential: &str, someone_elses: &str) -> PathBuf {
    b.sign_in("zoe@learner.example").await;
    assert!(
        b.url().await.ends_with("/my/credentials"),
        "{}",
        b.url().await
    );
    assert_eq!(
        b.client
            .find_all(Locator::Css("#my-credentials li"))
            .await
            .unwrap()
            .len(),
        4,
        "the entrepreneurship certificate, the one just issued, two data literacy ones"
    );
    b.page("my-credentials").await;
    b.click_and_load(&format!(
        "#my-credentials a[href='/my/credentials/{credential}']"
    ))
    .await;
    let share = b
        .find("#share-link")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(share, format!("{}/verify?credential={credential}", b.base));
    let linkedin = b
        .find("#linkedin")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert!(linkedin.starts_with("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=ENHANCE+Certificate+in+Data-Driven+Sustainability"), "{linkedin}");
    assert!(b.find(".qr svg").await.is_displayed().await.unwrap());
    b.page("my-credential").await;
    b.click("#download-json").await;
    let json = b.downloaded(".json").await;
    let document: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(document["id"], credential);
    assert_eq!(
        document["credentialSubject"]["name"],
        "Zoë Łukasiewicz-Παπαδοπούλου"
    );
    b.click("#download-pdf").await;
    let pdf = b.downloaded(".pdf").await;
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    // The Europass EDC beside them, sealed; the verify page reads it too.
    b.click("#download-edc").await;
    let edc = b.downloaded(".edc.json").await;
    let sealed: Value = serde_json::from_slice(&std::fs::read(&edc).unwrap()).unwrap();
    assert!(
        sealed["payload"]
            .as_str()
            .unwrap()
            .contains("EuropeanDigitalCredential")
    );
    b.verify_file(&edc).await;
    assert_eq!(b.verdict().await, "valid", "{}", b.body().await);
    assert!(
        b.text("#statements")
            .await
            .contains("Zoë Łukasiewicz-Παπαδοπούλου")
    );
    // Her badge images, with the signed credential baked in: the verify page reads them.
    for (link, extension) in [
        ("#download-badge-png", ".png"),
        ("#download-badge-svg", ".svg"),
    ] {
        b.go(&format!("/my/credentials/{credential}")).await;
        b.click(link).await;
        let badge = b.downloaded(extension).await;
        b.verify_file(&badge).await;
        assert_eq!(b.verdict().await, "valid", "{}", b.body().await);
    }
    // A VC-JWT pasted is read and its signature checked; made with a key WUT never had, it
    // is not WUT's credential, and the page says so rather than calling it tampered.
    let key = microcred_credentials::keys::SigningKey::from_bytes(&[5; 32]);
    let mut unsigned = document.clone();
    unsigned.as_object_mut().unwrap().remove("proof");
    let token = microcred_credentials::vc_jwt::sign_vc_jwt(
        &unsigned,
        &key,
        &key.public_key().did_key_verification_method(),
        microcred_credentials::vc_jwt::JwtForm::Vc20,
    );
    b.go("/verify").await;
    b.find("#credential").await.send_keys(&token).await.unwrap();
    b.click_and_load("form[action='/verify'] button").await;
    assert_eq!(b.verdict().await, "unknown-issuer", "{}", b.body().await);
    let checks = b.text(".checks").await;
    assert!(
        checks.contains("EdDSA JWS signature by did:key:"),
        "{checks}"
    );
    b.go(&format!("/my/credentials/{credential}")).await;
    // Somebody else's credential is not hers to see.
    b.go(&format!("/my/credentials/{someone_elses}")).await;
    let refused = b.body().await;
    assert!(
        !refused.contains("Lena") && refused.contains("404"),
        "{refused}"
    );
    b.page("error").await;
    b.go("/my/credentials").await;
    b.sign_out().await;
    json
}

/// Zoë's way to the ENHANCE Label in data literacy: she holds the two core micro-credentials
/// and sees what is missing; she uploads her "Elements of AI" from outside the alliance, which
/// the platform verifies and counts; RWTH's registrar issues the label; she holds it, dated the
/// day the last component was awarded; a component revoked later shows on her page.
async fn learner_stacks(b: &Browser) {
    b.sign_in("zoe@learner.example").await;
    b.go("/my/progress").await;
    let label = "section[data-specification='enhance-label-data-literacy']";
    b.find(&format!("{label} [data-state='in-progress']")).await;
    let text = b.text(label).await;
    assert!(text.contains("2 of 3 components"), "{text}");
    assert!(text.contains("Elements of AI"), "{text}");
    b.page("my-progress").await;
    // A document that is no credential is explained, and nothing is recorded.
    b.fill("#credential", "not a credential").await;
    b.click_and_load("form[action='/my/progress/external'] button")
        .await;
    assert!(
        b.text("#progress-problem").await.contains("credential"),
        "{}",
        b.body().await
    );
    let external = microcred_app::platform::demo::external_credential(
        "Zoë Łukasiewicz-Παπαδοπούλου",
        "zoe@learner.example",
        "2026-04-02",
    )
    .unwrap();
    let file = b.downloads.parent().unwrap().join("elements-of-ai.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&external).unwrap()).unwrap();
    b.find("#file")
        .await
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
    b.click_and_load("form[action='/my/progress/external'] button")
        .await;
    b.find(".notice").await;
    b.find("#external-credentials li[data-verdict='valid']")
        .await;
    // It completes the label's rule: the platform awards it at once, for RWTH.
    b.find(&format!("{label} [data-state='awarded']")).await;
    b.page("my-progress-awarded").await;
    b.sign_out().await;

    // RWTH's registrar oversees the label: Zoë is no longer due, others are one short.
    b.sign_in("registrar@rwth.example").await;
    b.go("/registrar/stacking").await;
    let overview = "section[data-specification='enhance-label-data-literacy']";
    let text = b.text(overview).await;
    assert!(
        !text.contains("Zoë") && text.contains("Jan Kowalski"),
        "{text}"
    );
    b.page("stacking").await;
    b.sign_out().await;

    b.sign_in("zoe@learner.example").await;
    b.go("/my/progress").await;
    b.click_and_load(&format!("{label} [data-state='awarded'] a"))
        .await;
    let says = b.text("body").await;
    assert!(says.contains("ENHANCE Label in Data Literacy"), "{says}");
    assert!(says.contains("2026-04-02"), "{says}");
    let components = b.text("#components").await;
    assert!(
        components.contains("Elements of AI") && components.contains("Data Visualisation"),
        "{components}"
    );
    b.page("my-credential-stacked").await;
    // Her bundle: the label with its three components, in one presentation.
    b.click("#download-bundle").await;
    let bundle: Value =
        serde_json::from_slice(&std::fs::read(b.downloaded("bundle.json").await).unwrap()).unwrap();
    assert_eq!(bundle["verifiableCredential"].as_array().unwrap().len(), 4);
    b.sign_out().await;

    // TU Berlin revokes her data visualisation certificate: it no longer counts.
    b.sign_in("registrar@tub.example").await;
    b.go("/registrar/credentials?specification=enhance-certificate-data-visualisation")
        .await;
    let row = b
        .client
        .find_all(Locator::Css("#credential-list tbody tr"))
        .await
        .unwrap();
    let mut zoes = String::new();
    for r in row {
        if r.text().await.unwrap().contains("Zoë") {
            zoes = r.attr("data-credential").await.unwrap().unwrap();
        }
    }
    assert!(!zoes.is_empty());
    change_state(b, &zoes, "revoke", "Recorded for the wrong course.").await;
    b.sign_out().await;
    b.sign_in("zoe@learner.example").await;
    b.go("/my/progress").await;
    let text = b.text(label).await;
    assert!(text.contains("revoked by its issuer"), "{text}");
    b.sign_out().await;
    // Her label is up for review at RWTH; the registrar decides that it stands.
    b.sign_in("registrar@rwth.example").await;
    b.go("/registrar/stacking").await;
    let review = b.text("#in-review").await;
    assert!(review.contains("revoked"), "{review}");
    b.page("stacking-review").await;
    b.fill(
        "#in-review input[name='reason']",
        "She completed the course again in May.",
    )
    .await;
    b.click_and_load("#in-review form[action$='/keep'] button")
        .await;
    b.find(".notice").await;
    b.find("#review").await;
    assert!(b.client.find(Locator::Css("#in-review")).await.is_err());
    b.sign_out().await;

    // WUT's registrar records Jan's "Elements of AI" for him: verified, recognised for the label.
    b.sign_in("registrar@wut.example").await;
    b.go("/registrar/stacking").await;
    b.fill("#external-learner", "nobody@learner.example").await;
    b.fill(
        "#external-paste",
        &serde_json::to_string(&external).unwrap(),
    )
    .await;
    b.click_and_load("form[action='/registrar/stacking/external'] button")
        .await;
    assert!(
        b.text("#external-problem").await.contains("No learner"),
        "{}",
        b.body().await
    );
    let jans = microcred_app::platform::demo::external_credential(
        "Jan Kowalski",
        "jan@learner.example",
        "2026-05-04",
    )
    .unwrap();
    b.fill("#external-learner", "jan@learner.example").await;
    b.fill("#external-paste", &serde_json::to_string(&jans).unwrap())
        .await;
    b.click_and_load("form[action='/registrar/stacking/external'] button")
        .await;
    let recorded = b.text("#external-recorded").await;
    assert!(
        recorded.contains("Recorded for Jan Kowalski")
            && recorded.contains("verdict valid")
            && recorded.contains("enhance-label-data-literacy"),
        "{recorded}"
    );
    b.page("registrar-external-recorded").await;
    b.sign_out().await;
}

/// Anyone converts a grade by two grade distribution tables typed in (the worked example of
/// issue 17): C becomes B by the largest overlap, C by the lower grade; a mistyped count is
/// named with its table and line.
async fn stranger_converts_a_grade(b: &Browser) {
    b.go("/grades").await;
    b.page("grades").await;
    b.fill("#grade", "C").await;
    b.fill("#from", "E,92\nD,98\nC,135\nB,37\nA,7").await;
    b.fill("#to", "grade,count\nE,10\nD,25\nC,30\nB,25\nA,10")
        .await;
    b.click_and_load("form[action='/grades'] button").await;
    b.page("grades-result").await;
    assert_eq!(b.text("#converted").await, "B", "{}", b.body().await);
    assert!(b.text("#result table").await.contains("23.08"));
    b.select("#policy", "lowest").await;
    b.click_and_load("form[action='/grades'] button").await;
    assert_eq!(b.text("#converted").await, "C", "{}", b.body().await);
    b.fill("#from", "E,92\nD,ninety").await;
    b.click_and_load("form[action='/grades'] button").await;
    let problem = b.text("#grades-problem").await;
    assert!(
        problem.contains("table, line 2: count `ninety`"),
        "{problem}"
    );

    // Between two members by the tables they publish: WUT's 4.5 in business (ISCED-F 0413,
    // second cycle; WUT's table for it counts 380 grades) falls in 66–88 % of its passing
    // grades, most of which TU Berlin's whole-university table gives 1.7 (the lowest of the
    // grades sharing it would be 2.0).
    b.fill("#between_grade", "4,5").await;
    b.select("#between_from", "wut").await;
    b.select("#between_to", "tub").await;
    b.fill("#field", "0413").await;
    b.select("#cycle", "second").await;
    b.select("#between_policy", "largest-overlap").await;
    b.click_and_load("form[action='/grades/between'] button")
        .await;
    b.page("grades-between").await;
    assert_eq!(
        b.text("#between-converted").await,
        "1.7",
        "{}",
        b.body().await
    );
    let result = b.text("#between-result").await;
    assert!(
        result.contains("ISCED-F 0413, second cycle (380 grades")
            && result.contains("tub: the whole university"),
        "{result}"
    );
    b.fill("#between_grade", "2.0").await;
    b.click_and_load("form[action='/grades/between'] button")
        .await;
    let problem = b.text("#between-problem").await;
    assert!(problem.contains("`2.0` does not pass"), "{problem}");
}

/// A teacher writes a stacked rule in the editor: a pool with one of the alliance's
/// micro-credentials; asking for more components than the pool lists is found while typing,
/// beside the pool's input, and goes away when corrected (nothing is saved).
async fn teacher_writes_a_stacked_rule(b: &Browser) {
    b.sign_in("teacher@wut.example").await;
    b.go("/specifications/new").await;
    b.fill("[name='id']", "enhance-label-entrepreneurship")
        .await;
    b.fill("[name='title']", "ENHANCE Label in Entrepreneurship")
        .await;
    b.select("[name='typology']", "stacked-certificate").await;
    b.fill("[name='stacking.pools[0].id']", "core").await;
    b.click("[name='stacking.pools[0].components'][value='enhance-certificate-sustainable-entrepreneurship']")
        .await;
    b.fill("[name='stacking.pools[0].min_count']", "3").await;
    b.wait_for_text(
        "[data-field='stacking.pools[0].min_count']",
        "asks for at least 3 components but lists 1",
        true,
    )
    .await;
    b.page("editor-stacked").await;
    b.fill("[name='stacking.pools[0].min_count']", "1").await;
    b.wait_for_text(
        "[data-field='stacking.pools[0].min_count']",
        "asks for at least",
        false,
    )
    .await;
    b.sign_out().await;
}

/// WUT's registrar finds WUT's scheme and tables on the grading page, pastes tables with a
/// failing grade (told the line), then good ones: they are published, and the scheme kept.
async fn registrar_publishes_grade_tables(b: &Browser) {
    b.sign_in("registrar@wut.example").await;
    b.go("/registrar/grading").await;
    b.page("grading").await;
    let section = b.text("section[data-university='wut']").await;
    assert!(section.contains("Polish scale 2.0–5.0"), "{section}");
    assert!(section.contains("ISCED-F 0413, second cycle"), "{section}");
    b.fill(
        "#tables-wut",
        "field,cycle,grade,count\n,,3.0,900\n,,2.0,40\n",
    )
    .await;
    b.click_and_load("form[action='/registrar/grading/wut/tables'] button")
        .await;
    let problem = b.text("#grading-problem").await;
    assert!(
        problem.contains(":3: the table of the whole university, every cycle: `2.0` does not pass"),
        "{problem}"
    );
    b.fill(
        "#tables-wut",
        "field,cycle,grade,count\n,,3.0,900\n,,3.5,800\n,,4.0,1100\n,,4.5,700\n,,5.0,500\n",
    )
    .await;
    b.fill("#period-wut", "2023/24–2025/26").await;
    b.click_and_load("form[action='/registrar/grading/wut/tables'] button")
        .await;
    b.find(".notice").await;
    let section = b.text("section[data-university='wut']").await;
    assert!(
        section.contains("2023/24–2025/26") && section.contains("4000"),
        "{section}"
    );
    assert!(
        !section.contains("0413"),
        "importing replaces the tables: {section}"
    );
    b.sign_out().await;
}

/// A stranger (signed out) verifies from the share link, by file, and a tampered copy; a
/// suspended credential says so; a mistyped link and a broken paste are explained.
async fn stranger_verifies(b: &Browser, credential: &str, suspended: &str, file: &Path) {
    b.go(&format!("/verify?credential={credential}")).await;
    let verdict = b.find("#result .sentence").await;
    assert_eq!(
        verdict.attr("data-verdict").await.unwrap().as_deref(),
        Some("valid"),
        "{}",
        b.body().await
    );
    let says = b.text("#statements").await;
    assert!(says.contains("Zoë Łukasiewicz-Παπαδοπούλου"), "{says}");
    assert!(
        says.contains("ENHANCE Certificate in Data-Driven Sustainability"),
        "{says}"
    );
    b.page("verify-valid").await;

    b.go("/verify").await;
    b.page("verify").await;
    b.find("#file")
        .await
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
    b.click_and_load("form[action='/verify'] button").await;
    assert_eq!(b.verdict().await, "valid");

    let mut tampered: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    tampered["credentialSubject"]["name"] = json!("Zoë Mallory");
    let tampered_file = file.with_file_name("tampered.json");
    std::fs::write(
        &tampered_file,
        serde_json::to_vec_pretty(&tampered).unwrap(),
    )
    .unwrap();
    b.verify_file(&tampered_file).await;
    assert_eq!(b.verdict().await, "tampered", "{}", b.body().await);
    assert!(b.text("#verdict").await.contains("Not verified"));
    // Only what was signed is shown: nothing of the tampered file.
    let page = b.body().await;
    assert!(
        !page.contains("Mallory")
            && b.text("#not-shown")
                .await
                .contains("Nothing this file claims"),
        "{page}"
    );
    b.page("verify-tampered").await;

    // Signed well, but by a key no member holds.
    let mut foreign: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    let key = microcred_credentials::keys::SigningKey::generate().unwrap();
    // Its own issuer, with no status list (a credential that named another issuer's lists
    // would be a forgery, which the verifier calls tampered).
    foreign.as_object_mut().unwrap().remove("proof");
    foreign.as_object_mut().unwrap().remove("credentialStatus");
    foreign["issuer"]["id"] = json!(key.public_key().did_key());
    let options = microcred_credentials::data_integrity::ProofOptions::assertion(
        microcred_credentials::data_integrity::Cryptosuite::EddsaRdfc2022,
        key.public_key().did_key_verification_method(),
        "2026-07-01T00:00:00Z",
    );
    let foreign =
        microcred_credentials::data_integrity::add_proof(&foreign, &key, &options).unwrap();
    b.go("/verify").await;
    b.fill("#credential", &serde_json::to_string(&foreign).unwrap())
        .await;
    b.click_and_load("form[action='/verify'] button").await;
    assert_eq!(b.verdict().await, "unknown-issuer", "{}", b.body().await);
    assert!(b.find("#not-shown").await.is_displayed().await.unwrap());

    b.go(&format!("/verify?credential={suspended}")).await;
    assert_eq!(b.verdict().await, "suspended");
    b.page("verify-suspended").await;
    b.go("/verify?credential=urn:uuid:00000000-0000-0000-0000-000000000000")
        .await;
    assert!(
        b.text("#verify-problem")
            .await
            .contains("No credential has this link")
    );
    b.fill("#credential", "{\"@context\": [").await;
    b.click_and_load("form[action='/verify'] button").await;
    let problem = b.text("#verify-problem").await;
    assert!(
        problem.contains("line 1"),
        "a broken paste is located: {problem}"
    );
}

/// The administrator rotates a university's key and adds a signatory.
async fn administrator_rotates_and_adds(b: &Browser) {
    b.sign_in("admin@enhance.example").await;
    assert!(b.url().await.ends_with("/admin"), "{}", b.url().await);
    let keys = |text: String| text.matches("in use").count();
    let before = keys(b.text("section[aria-labelledby='u-wut']").await);
    b.click_and_load("form[action='/admin/universities/wut/keys'] button")
        .await;
    assert!(b.text(".notice").await.contains("new signing key"));
    let wut = b.text("section[aria-labelledby='u-wut']").await;
    assert_eq!(keys(wut.clone()), before, "one key in use: {wut}");
    assert!(wut.contains("retired"), "{wut}");
    b.fill("#sn-wut", "Dr. Anna Zielińska").await;
    b.fill("#sr-wut", "Dean of Studies").await;
    b.click_and_load("form[action='/admin/universities/wut/signatories'] button")
        .await;
    assert!(
        b.text("section[aria-labelledby='u-wut']")
            .await
            .contains("Dr. Anna Zielińska, Dean of Studies")
    );
    let wut = "section[aria-labelledby='u-wut']";
    let signature = root()
        .join("crates/app/src/platform/demo-logos/signature-wut.png")
        .canonicalize()
        .unwrap();
    let forms = b
        .client
        .find_all(Locator::Css(&format!("{wut} .signatories form[enctype]")))
        .await
        .unwrap();
    let last = forms.last().unwrap();
    last.find(Locator::Css("input[type='file']"))
        .await
        .unwrap()
        .send_keys(&signature.display().to_string())
        .await
        .unwrap();
    b.client
        .execute("window.__before = true;", vec![])
        .await
        .unwrap();
    last.find(Locator::Css("button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait_for_load().await;
    assert!(
        b.text(".notice")
            .await
            .contains("signature image is stored"),
        "{}",
        b.body().await
    );

    // Prof. Nowak leaves office: certificates issued before still print her.
    let nowak = b.find(&format!("{wut} .signatories li:first-child")).await;
    assert!(nowak.text().await.unwrap().contains("Prof. Maria Nowak"));
    let retire = nowak
        .find(Locator::Css("form.retire button"))
        .await
        .unwrap();
    b.client
        .execute("window.__before = true;", vec![])
        .await
        .unwrap();
    retire.click().await.unwrap();
    b.wait_for_load().await;
    assert!(
        b.text(".notice")
            .await
            .contains("no longer signs new certificates")
    );
    let nowak = b.text(&format!("{wut} .signatories li:first-child")).await;
    assert!(nowak.contains("until"), "{nowak}");

    // A new member: its DID and first key are made with it. A wrong country is explained.
    for country in ["XX", "se"] {
        b.fill("#nu-id", "chalmers").await;
        b.fill("#nu-legal", "Chalmers tekniska högskola").await;
        b.fill("#nu-name", "Chalmers University of Technology")
            .await;
        b.fill("#nu-country", country).await;
        b.click_and_load("form[action='/admin/universities'] button")
            .await;
        if country == "XX" {
            let refused = b.body().await;
            assert!(
                refused.contains("country") && refused.contains("XX"),
                "{refused}"
            );
            b.go("/admin").await;
        }
    }
    let chalmers = b.text("section[aria-labelledby='u-chalmers']").await;
    assert!(
        chalmers.contains("Chalmers University of Technology")
            && chalmers.contains("in use")
            && chalmers.contains("No logo yet"),
        "{chalmers}"
    );
    b.page("admin").await;

    b.click_and_load("a[href='/admin/profiles/enhance-2021']")
        .await;
    assert!(b.text("#rules").await.contains("certificate-ects-minimum"));
    b.page("profile").await;
    b.sign_out().await;
}
