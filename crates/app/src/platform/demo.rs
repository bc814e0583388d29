//! The demonstration alliance `microcred demo` sets up: three member universities of ENHANCE
//! with their course elements and logos, the seed examples' specifications in different review
//! states, learners with results at three universities, credentials issued, one revoked, one
//! suspended, the ENHANCE Label in data literacy stacking three data literacy micro-credentials
//! and one from outside the alliance (issued to those who meet its rule), and an account for
//! each role. The examples are compiled in, so the demo runs
//! anywhere.

use serde::Serialize;

use microcred_model::Alliance;
use microcred_model::grading::GradingScheme;
use microcred_model::{Grant, Role};
use microcred_specfile::{
    ResolvedSpecification, SourceFile, parse_catalogue, parse_specification, resolve,
};
use microcred_store::accounts::Account;

use super::auth::NewAccount;
use super::catalogue::{Decision, Recommendation};
use super::{Platform, PlatformError, Result};
use crate::results::ResultsReader;

/// Every demo account's password.
pub const PASSWORD: &str = "microcred-demo";
/// The universities the demo alliance has.
pub const MEMBERS: [&str; 3] = ["wut", "tub", "rwth"];

const CATALOGUE: &str = include_str!("../../../../examples/catalogues/enhance.toml");
const SPECIFICATIONS: [(&str, &str); 3] = [
    (
        "enhance-certificate-sustainable-entrepreneurship.toml",
        include_str!("../../../../examples/enhance-certificate-sustainable-entrepreneurship.toml"),
    ),
    (
        "enhance-badge-data-literacy.toml",
        include_str!("../../../../examples/enhance-badge-data-literacy.toml"),
    ),
    (
        "enhance-certificate-digital-transformation.toml",
        include_str!("../../../../examples/enhance-certificate-digital-transformation.toml"),
    ),
];

/// The data literacy micro-credentials and the label that stacks them (ENHANCE §7.15): each
/// component published and issued, the label too.
const DATA_LITERACY: [(&str, &str); 4] = [
    (
        "data-literacy/enhance-certificate-data-analysis.toml",
        include_str!("../../../../examples/data-literacy/enhance-certificate-data-analysis.toml"),
    ),
    (
        "data-literacy/enhance-certificate-data-visualisation.toml",
        include_str!(
            "../../../../examples/data-literacy/enhance-certificate-data-visualisation.toml"
        ),
    ),
    (
        "data-literacy/enhance-certificate-research-data-management.toml",
        include_str!(
            "../../../../examples/data-literacy/enhance-certificate-research-data-management.toml"
        ),
    ),
    (
        "enhance-label-data-literacy.toml",
        include_str!("../../../../examples/enhance-label-data-literacy.toml"),
    ),
];

/// The secret of the demo's external issuer, the "University of Helsinki" of the label's
/// recognised external component: written here, so **anyone can sign as it**. It exists only so
/// that the demo (and its browser test) can show a credential from outside the alliance;
/// never recognise its did:key outside a demo.
const EXTERNAL_ISSUER_SECRET: &[u8; 32] = b"microcred demo issuer, not real!";
/// The achievement the demo's external issuer awards (the label recognises it).
pub const EXTERNAL_ACHIEVEMENT: &str = "https://elements-of-ai.example/achievements/elements-of-ai";

/// The did:key of the demo's external issuer.
pub fn external_issuer() -> String {
    microcred_credentials::keys::SigningKey::from_bytes(EXTERNAL_ISSUER_SECRET)
        .public_key()
        .did_key()
}

/// An Open Badges 3.0 credential "Elements of AI" of the demo's external issuer for a learner
/// (named by e-mail), awarded on `day`: what a learner of the demo uploads as a credential of
/// another institution.
pub fn external_credential(name: &str, email: &str, day: &str) -> Result<serde_json::Value> {
    use microcred_credentials::data_integrity::{Cryptosuite, ProofOptions, add_proof};
    let key = microcred_credentials::keys::SigningKey::from_bytes(EXTERNAL_ISSUER_SECRET);
    let issuer = key.public_key().did_key();
    let unsigned = serde_json::json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": format!("urn:uuid:{}", microcred_store::new_id()),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Elements of AI",
        "issuer": { "id": issuer, "type": ["Profile"], "name": "University of Helsinki (demo issuer)" },
        "validFrom": format!("{day}T00:00:00Z"),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": name,
            "identifier": [{ "type": "IdentityObject", "hashed": false,
                "identityHash": email, "identityType": "emailAddress" }],
            "achievement": {
                "id": EXTERNAL_ACHIEVEMENT,
                "type": ["Achievement"],
                "name": "Elements of AI",
                "description": "An introduction to artificial intelligence: what it is, what it can and cannot do, and how to build simple models.",
                "criteria": { "narrative": "Complete the six chapters' exercises." },
                "creditsAvailable": 2
            }
        }
    });
    let options = ProofOptions::assertion(
        Cryptosuite::EddsaRdfc2022,
        key.public_key().did_key_verification_method(),
        format!("{day}T00:00:00Z"),
    );
    add_proof(&unsigned, &key, &options)
        .map_err(|e| PlatformError::Internal(format!("the demo's external credential: {e}")))
}

/// Plain emblems in each member's colour (drawn by `scripts/demo-logos.py`, as are the
/// signatories' signatures), and the alliance's.
const LOGOS: [(&str, &[u8]); 4] = [
    ("wut", include_bytes!("demo-logos/wut.png")),
    ("tub", include_bytes!("demo-logos/tub.png")),
    ("rwth", include_bytes!("demo-logos/rwth.png")),
    ("alliance", include_bytes!("demo-logos/alliance.png")),
];

/// Twelve learners: (given names, family names, date of birth, nationality, e-mail).
const LEARNERS: [(&str, &str, &str, &str, &str); 12] = [
    (
        "Zoë",
        "Łukasiewicz-Παπαδοπούλου",
        "2001-04-12",
        "PL;GR",
        "zoe@learner.example",
    ),
    ("Jan", "Kowalski", "2000-01-02", "PL", "jan@learner.example"),
    ("Lena", "Müller", "1999-11-23", "DE", "lena@learner.example"),
    (
        "Sofía",
        "García López",
        "2000-07-30",
        "ES",
        "sofia@learner.example",
    ),
    (
        "Matteo",
        "Rossi",
        "2001-02-14",
        "IT",
        "matteo@learner.example",
    ),
    (
        "Ingrid",
        "Hansen",
        "1998-09-05",
        "NO",
        "ingrid@learner.example",
    ),
    (
        "Aoife",
        "Ní Bhriain",
        "2000-03-17",
        "IE",
        "aoife@learner.example",
    ),
    (
        "Jūratė",
        "Petrauskienė",
        "1999-06-21",
        "LT",
        "jurate@learner.example",
    ),
    (
        "Dimitrios",
        "Georgiou",
        "2001-10-08",
        "GR",
        "dimitrios@learner.example",
    ),
    (
        "Émilie",
        "Dubois",
        "2000-12-01",
        "FR",
        "emilie@learner.example",
    ),
    (
        "Tomáš",
        "Novák",
        "1999-04-30",
        "CZ",
        "tomas@learner.example",
    ),
    ("Eva", "Svensson", "2001-08-19", "SE", "eva@learner.example"),
];

/// Who can sign in to the demo, and as what.
#[derive(Clone, Debug, Serialize)]
pub struct Login {
    /// The role, in words.
    pub role: String,
    /// The e-mail to sign in with.
    pub email: String,
}

#[derive(Clone, Debug, Serialize)]
/// The demo alliance as set up: who can sign in.
pub struct Demo {
    /// False when the data folder already held the demo (nothing was added).
    pub created: bool,
    /// The accounts.
    pub logins: Vec<Login>,
    /// Their password (the demo's, printed on start).
    pub password: &'static str,
    /// A credential to try the verification with.
    pub example_credential: Option<String>,
    /// Credentials issued in all.
    pub credentials_issued: u64,
}

fn logins() -> Vec<Login> {
    [
        ("alliance administrator", "admin@enhance.example"),
        ("teacher (WUT)", "teacher@wut.example"),
        ("registrar (WUT)", "registrar@wut.example"),
        ("registrar (TU Berlin)", "registrar@tub.example"),
        ("registrar (RWTH)", "registrar@rwth.example"),
        ("Teaching Fund jury", "jury@enhance.example"),
        ("task group", "task-group@enhance.example"),
        ("management board", "board@enhance.example"),
        ("learner (Zoë)", "zoe@learner.example"),
    ]
    .into_iter()
    .map(|(role, email)| Login {
        role: role.into(),
        email: email.into(),
    })
    .collect()
}

fn parse(name: &str, text: &str) -> Result<ResolvedSpecification> {
    let failed =
        |e: microcred_specfile::ParseError| PlatformError::Internal(format!("demo data {e}"));
    let specification =
        parse_specification(SourceFile::new(name, text.to_owned())).map_err(failed)?;
    let catalogue = parse_catalogue(SourceFile::new(
        "catalogues/enhance.toml",
        CATALOGUE.to_owned(),
    ))
    .map_err(failed)?;
    resolve(specification, vec![catalogue]).map_err(failed)
}

fn grant(role: Role, university: Option<&str>) -> Vec<Grant> {
    vec![Grant {
        role,
        university: university.map(str::to_owned),
    }]
}

impl Platform {
    /// Sets up the demo alliance, unless the database already has accounts.
    pub async fn demo(&self) -> Result<Demo> {
        let mut demo = Demo {
            created: false,
            logins: logins(),
            password: PASSWORD,
            example_credential: None,
            credentials_issued: 0,
        };
        let account = |email: &str, grants: Vec<Grant>| NewAccount {
            email: email.into(),
            name: email
                .split('@')
                .next()
                .unwrap_or(email)
                .replace(['-', '.'], " "),
            password: Some(PASSWORD.into()),
            grants,
            learner_id: None,
        };
        let admin = match self
            .create_account(
                None,
                account("admin@enhance.example", grant(Role::AllianceAdmin, None)),
            )
            .await
        {
            Ok(admin) => admin,
            Err(PlatformError::Unauthenticated) => return Ok(demo),
            Err(e) => return Err(e),
        };
        demo.created = true;
        let alliance: Alliance = serde_json::from_value(
            serde_json::json!({ "name": { "en": "ENHANCE – European University of Technology" } }),
        )
        .map_err(|e| PlatformError::Internal(e.to_string()))?;
        self.set_alliance(Some(&admin), alliance).await?;
        let first = parse(SPECIFICATIONS[0].0, SPECIFICATIONS[0].1)?;
        for university in first
            .catalogue
            .universities
            .iter()
            .filter(|u| MEMBERS.contains(&u.id.as_str()))
        {
            self.add_university(&admin, university.clone()).await?;
            // A self-signed e-seal, so that the demo issues Europass EDCs too: every
            // verification report names it as self-signed (a real one comes from a trust
            // service provider: `keys import-seal`).
            let subject = microcred_edc::x509::SealSubject {
                organization: university.legal_name.en().to_owned(),
                country: university.country.as_str().to_ascii_uppercase(),
                organization_identifier: None,
            };
            let mut tx = self.store.begin().await?;
            self.self_signed_seal(&mut tx, university.id.as_str(), &subject)
                .await?;
            microcred_store::commit(tx).await?;
        }
        for element in first
            .catalogue
            .course_elements
            .iter()
            .filter(|e| MEMBERS.contains(&e.university.as_str()))
        {
            self.put_course_element(&admin, element.clone()).await?;
        }
        for (owner, logo) in LOGOS {
            self.set_logo(&admin, owner, Some("image/png"), logo)
                .await?;
        }
        for (university, name, role, signature) in [
            (
                "wut",
                "Prof. Maria Nowak",
                "Vice-Rector for Education",
                include_bytes!("demo-logos/signature-wut.png").as_slice(),
            ),
            (
                "tub",
                "Prof. Thomas Weber",
                "Vice President for Studies and Teaching",
                include_bytes!("demo-logos/signature-tub.png").as_slice(),
            ),
            (
                "rwth",
                "Prof. Katrin Schulz",
                "Vice-Rector for Teaching",
                include_bytes!("demo-logos/signature-rwth.png").as_slice(),
            ),
        ] {
            let signatory = self.add_signatory(&admin, university, name, role).await?;
            self.set_signature(
                &admin,
                university,
                &signatory.id,
                Some("image/png"),
                signature,
            )
            .await?;
        }
        self.demo_grading(&admin).await?;
        let teacher = self
            .create_account(
                Some(&admin),
                account("teacher@wut.example", grant(Role::Teacher, Some("wut"))),
            )
            .await?;
        let wut = self
            .create_account(
                Some(&admin),
                account("registrar@wut.example", grant(Role::Registrar, Some("wut"))),
            )
            .await?;
        let tub = self
            .create_account(
                Some(&admin),
                account("registrar@tub.example", grant(Role::Registrar, Some("tub"))),
            )
            .await?;
        let rwth = self
            .create_account(
                Some(&admin),
                account(
                    "registrar@rwth.example",
                    grant(Role::Registrar, Some("rwth")),
                ),
            )
            .await?;
        let jury = self
            .create_account(
                Some(&admin),
                account("jury@enhance.example", grant(Role::Jury, None)),
            )
            .await?;
        let task_group = self
            .create_account(
                Some(&admin),
                account("task-group@enhance.example", grant(Role::TaskGroup, None)),
            )
            .await?;
        let board = self
            .create_account(
                Some(&admin),
                account("board@enhance.example", grant(Role::Board, None)),
            )
            .await?;

        // Published, with credentials: the certificate in sustainable entrepreneurship.
        let entrepreneurship = first.specification.id.to_string();
        self.create_specification(&teacher, first.specification.clone())
            .await?;
        self.submit(
            &teacher,
            &entrepreneurship,
            "WUT and TU Berlin courses, ready for review",
        )
        .await?;
        self.advise(
            &jury,
            &entrepreneurship,
            Recommendation::Approve,
            "A meaningful combination: analysis at WUT, application in the Berlin lab.",
        )
        .await?;
        self.advise(&task_group, &entrepreneurship, Recommendation::Approve, "")
            .await?;
        self.decide(
            &board,
            &entrepreneurship,
            Decision::Approve,
            "Approved at the board meeting of 2026-02-10.",
        )
        .await?;
        // In review: the data literacy badge, with the jury's advice.
        let badge = parse(SPECIFICATIONS[1].0, SPECIFICATIONS[1].1)?.specification;
        let badge_id = badge.id.to_string();
        self.create_specification(&teacher, badge).await?;
        self.submit(&teacher, &badge_id, "").await?;
        self.advise(
            &jury,
            &badge_id,
            Recommendation::Changes,
            "Say how task completion is verified.",
        )
        .await?;
        // A draft: the certificate in digital transformation (its courses are not yet in the catalogue).
        let draft = parse(SPECIFICATIONS[2].0, SPECIFICATIONS[2].1)?.specification;
        self.create_specification(&teacher, draft).await?;

        // Results: WUT's course for all twelve, TU Berlin's lab for ten of them.
        let mut wut_rows = String::from(
            "learner,given_names,family_names,date_of_birth,nationality,email,student_id,element,completed_on,grade,overall_grade\n",
        );
        let mut tub_rows = wut_rows.clone();
        for (i, (given, family, born, nationality, email)) in LEARNERS.iter().enumerate() {
            let grade = ["5.0", "4.5", "4.0", "3.5", "5.0", "4.0"][i % 6];
            wut_rows.push_str(&format!("{email},{given},{family},{born},{nationality},{email},30{:04},wut:sustainable-business-models,2026-06-1{},{grade},{grade}\n", 1200 + i, i % 10));
            if i < 10 {
                tub_rows.push_str(&format!("{email},{given},{family},{born},{nationality},{email},77{:03},tub:innovation-lab,2026-06-2{},{},\n", 100 + i, i % 10, ["1.0", "1.3", "1.7", "2.0", "2.3"][i % 5]));
            }
        }
        let rows = |text: &str| -> Result<Vec<_>> {
            Ok(ResultsReader::new("demo.csv", text.as_bytes())
                .map_err(|e| PlatformError::Internal(e.to_string()))?
                .collect::<Vec<_>>())
        };
        self.import_results(&wut, "wut-results.csv", rows(&wut_rows)?, &mut |_| {})
            .await?;
        self.import_results(&tub, "tub-results.csv", rows(&tub_rows)?, &mut |_| {})
            .await?;

        let outcome = self
            .issue(&wut, &entrepreneurship, None, &mut |_, _| {})
            .await?;
        demo.credentials_issued += outcome.issued_count;
        let mut by_name = Vec::new();
        for issued in &outcome.issued {
            let record = self.credential(&wut, &issued.credential).await?;
            let name = record.document["credentialSubject"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            by_name.push((name, issued.credential.clone(), issued.learner.clone()));
        }
        let find = |given: &str| {
            by_name
                .iter()
                .find(|(n, _, _)| n.starts_with(given))
                .cloned()
        };
        if let Some((_, id, _)) = find("Jan ") {
            self.revoke(
                &wut,
                &id,
                "Issued in error: the project grade was recorded for the wrong course.",
            )
            .await?;
        }
        if let Some((_, id, _)) = find("Matteo ") {
            self.suspend(
                &wut,
                &id,
                "Under review by the academic integrity committee.",
            )
            .await?;
        }
        if let Some((_, id, learner)) = find("Zoë ") {
            self.learner_account(
                &admin,
                &learner,
                "zoe@learner.example",
                Some(PASSWORD.into()),
            )
            .await?;
            demo.example_credential = Some(id);
        }
        let registrars = [("wut", &wut), ("tub", &tub), ("rwth", &rwth)];
        demo.credentials_issued += self
            .demo_data_literacy(&teacher, &jury, &task_group, &board, &registrars)
            .await?;
        Ok(demo)
    }

    /// The data literacy micro-credentials and the ENHANCE Label in data literacy stacking
    /// them: published; results at WUT, TU Berlin and RWTH; each component issued; Lena's
    /// "Elements of AI" from outside the alliance recorded; the label issued to those who meet
    /// its rule. Zoë holds the two core components and no elective yet.
    /// Each university's grading scheme (WUT the Polish one, TU Berlin and RWTH the German
    /// one) and grade distribution tables: the whole university's and some fields' (the
    /// counts are made up for the demo, in the proportions such tables usually have). RWTH's
    /// table for data science in the first cycle is too small, so conversions fall back to
    /// the broader field.
    async fn demo_grading(&self, admin: &Account) -> Result<()> {
        const TABLES: [(&str, &str, &str, &str); 3] = [
            (
                "wut",
                "wut-grades",
                "pl",
                "field,cycle,grade,count\n\
                 ,,3.0,1840\n,,3.5,1630\n,,4.0,2210\n,,4.5,1390\n,,5.0,1120\n\
                 0413,second,3.0,62\n0413,second,3.5,71\n0413,second,4.0,118\n0413,second,4.5,84\n0413,second,5.0,45\n\
                 054,first,3.0,140\n054,first,3.5,122\n054,first,4.0,131\n054,first,4.5,76\n054,first,5.0,38\n",
            ),
            (
                "tub",
                "tub-grades",
                "de",
                "field,cycle,grade,count\n\
                 ,,4.0,610\n,,3.7,540\n,,3.3,720\n,,3.0,860\n,,2.7,940\n,,2.3,1010\n,,2.0,1130\n,,1.7,990\n,,1.3,820\n,,1.0,560\n",
            ),
            (
                "rwth",
                "rwth-grades",
                "de",
                "field,cycle,grade,count\n\
                 ,,4.0,880\n,,3.7,760\n,,3.3,910\n,,3.0,1050\n,,2.7,1100\n,,2.3,1150\n,,2.0,1080\n,,1.7,870\n,,1.3,640\n,,1.0,390\n\
                 0542,first,4.0,4\n0542,first,3.0,9\n0542,first,2.0,12\n0542,first,1.3,8\n0542,first,1.0,3\n\
                 054,,4.0,41\n054,,3.7,38\n054,,3.3,44\n054,,3.0,52\n054,,2.7,49\n054,,2.3,47\n054,,2.0,40\n054,,1.7,33\n054,,1.3,24\n054,,1.0,15\n",
            ),
        ];
        for (university, scheme_id, preset, tables) in TABLES {
            let scheme = GradingScheme::preset(preset)
                .ok_or_else(|| PlatformError::Internal(format!("no preset `{preset}`")))?;
            let document = serde_json::to_value(&scheme)
                .map_err(|e| PlatformError::Internal(e.to_string()))?;
            self.set_grading_scheme(admin, university, scheme_id, &document)
                .await?;
            self.import_grade_tables(
                admin,
                university,
                scheme_id,
                Some("2022/23–2024/25"),
                "demo tables",
                tables.as_bytes(),
            )
            .await?;
        }
        Ok(())
    }

    async fn demo_data_literacy(
        &self,
        teacher: &super::Account,
        jury: &super::Account,
        task_group: &super::Account,
        board: &super::Account,
        registrars: &[(&str, &super::Account)],
    ) -> Result<u64> {
        let mut issued = 0;
        let mut ids = Vec::new();
        for (name, text) in DATA_LITERACY {
            let specification = parse(name, text)?.specification;
            let id = specification.id.to_string();
            self.create_specification(teacher, specification).await?;
            self.submit(teacher, &id, "").await?;
            self.advise(jury, &id, Recommendation::Approve, "").await?;
            self.advise(task_group, &id, Recommendation::Approve, "")
                .await?;
            self.decide(board, &id, Decision::Approve, "").await?;
            ids.push(id);
        }
        let registrar = |university: &str| {
            registrars
                .iter()
                .find(|(u, _)| *u == university)
                .map(|(_, a)| *a)
                .ok_or_else(|| PlatformError::Internal(format!("no registrar of {university}")))
        };
        // (element, university, student id prefix, day, the learners who pass it): Zoë (0)
        // takes the two core courses and no elective; Lena (2) and the next two take the
        // research data management elective.
        let courses: [(&str, &str, &str, &str, &[usize]); 3] = [
            (
                "wut:statistical-data-analysis",
                "wut",
                "30",
                "2026-01-2",
                &[0, 1, 2, 3, 4, 5, 6, 7],
            ),
            (
                "tub:data-visualisation",
                "tub",
                "77",
                "2026-02-1",
                &[0, 1, 2, 3, 4, 5],
            ),
            (
                "rwth:research-data-management",
                "rwth",
                "41",
                "2026-03-0",
                &[2, 3, 4],
            ),
        ];
        for (element, university, prefix, day, passed) in courses {
            let mut rows = String::from(
                "learner,given_names,family_names,date_of_birth,nationality,email,student_id,element,completed_on,grade,overall_grade\n",
            );
            // Each university's own scale: Polish 2.0–5.0, German 1.0–5.0 (1.0 the best).
            let grades = match university {
                "wut" => ["5.0", "4.5", "4.0", "3.5", "4.0"],
                _ => ["1.3", "1.7", "2.0", "2.3", "1.0"],
            };
            for &i in passed {
                let (given, family, born, nationality, email) = LEARNERS[i];
                let grade = grades[i % 5];
                rows.push_str(&format!(
                    "{email},{given},{family},{born},{nationality},{email},{prefix}{:04},{element},{day}{},{grade},{grade}\n",
                    2000 + i,
                    i % 10,
                ));
            }
            let rows = ResultsReader::new("demo.csv", rows.as_bytes())
                .map_err(|e| PlatformError::Internal(e.to_string()))?
                .collect::<Vec<_>>();
            self.import_results(
                registrar(university)?,
                "data-literacy.csv",
                rows,
                &mut |_| {},
            )
            .await?;
        }
        // Each component issued; a learner whose new credential completes the label's rule
        // is awarded the label at once.
        for (id, university) in ids.iter().zip(["wut", "tub", "rwth"]) {
            let outcome = self
                .issue(registrar(university)?, id, None, &mut |_, _| {})
                .await?;
            issued += outcome.issued_count + outcome.stacked.len() as u64;
        }
        // Lena's "Elements of AI", recorded by her registrar, verified by the platform.
        let (given, family, _, _, email) = LEARNERS[2];
        let lena = self
            .find_learners(registrar("wut")?, None, None, Some(email))
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| PlatformError::Internal("Lena is not in the demo".into()))?;
        let external = external_credential(&format!("{given} {family}"), email, "2026-03-15")?;
        let recorded = self
            .record_external_credential(registrar("wut")?, &lena.id, &external.to_string())
            .await?;
        issued += recorded.awarded.len() as u64;
        Ok(issued)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_label_recognises_the_demo_issuer() {
        let label = parse(DATA_LITERACY[3].0, DATA_LITERACY[3].1)
            .unwrap()
            .specification;
        let recognised = label
            .stacking
            .iter()
            .flat_map(|s| s.components())
            .any(|(_, c)| {
                matches!(c, microcred_model::stacking::Component::External(e)
                if e.issuer == external_issuer() && e.achievement == EXTERNAL_ACHIEVEMENT)
            });
        assert!(recognised, "{}", external_issuer());
    }
}
