//! Our JSON-LD to RDF against an independent implementation (oxjsonld): for every document our
//! safe mode accepts, both give the same canonical N-Quads. The corpus: the fixtures' credentials
//! and documents written to exercise the rarer JSON-LD features (scoped contexts, containers,
//! nesting, reverse properties, JSON literals, lists). Also the Open Badges 3.0 canonicalisation
//! vector, and the refusals of safe mode.

mod common;

use oxjsonld::{JsonLdParser, JsonLdRemoteDocument};
use serde_json::{Value, json};

use common::{canonical_nquads, fixtures, json, text};
use microcred_credentials::jsonld::{self, JsonLdError, bundled};
use microcred_credentials::rdfc::{HashAlgorithm, WorkBudget, canonicalize};

fn ours(document: &Value) -> Result<String, JsonLdError> {
    canonical_nquads(document)
}

fn theirs(document: &Value) -> String {
    let bytes = serde_json::to_vec(document).unwrap();
    let parser = JsonLdParser::new()
        .for_slice(&bytes)
        .with_load_document_callback(|url, _| match bundled::document(url) {
            Some(text) => Ok(JsonLdRemoteDocument {
                document: text.as_bytes().to_vec(),
                document_url: url.to_owned(),
            }),
            None => Err(format!("unknown context {url}").into()),
        });
    let quads: Vec<oxrdf::Quad> = parser.collect::<Result<_, _>>().unwrap();
    canonicalize(
        quads.iter().map(|q| q.as_ref()),
        HashAlgorithm::Sha256,
        WorkBudget::default(),
    )
    .unwrap()
    .nquads
}

fn same(name: &str, document: &Value) {
    let ours = ours(document).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(ours, theirs(document), "{name}");
}

/// Documents exercising JSON-LD features the credentials we know use rarely or never.
fn feature_documents() -> Vec<(&'static str, Value)> {
    let ex = "https://example.org/vocab#";
    vec![
        (
            "property-scoped context, @vocab, compact IRIs",
            json!({
                "@context": { "@vocab": ex, "ex": ex, "knows": { "@id": "ex:knows", "@context": { "name": "ex:fullName" } } },
                "@id": "https://example.org/a", "name": "A", "knows": { "@id": "https://example.org/b", "name": "B" }
            }),
        ),
        (
            "type-scoped context does not propagate",
            json!({
                "@context": { "@vocab": ex, "Person": { "@id": "ex:Person", "@context": { "label": "ex:personLabel" } }, "label": "ex:label" },
                "@type": "Person", "label": "outer", "child": { "label": "inner" }
            }),
        ),
        (
            "lists, sets and language",
            json!({
                "@context": { "@vocab": ex, "@language": "EN", "items": { "@container": "@list" }, "tags": { "@container": "@set" }, "plain": { "@id": "ex:plain", "@language": null } },
                "items": ["a", 1, true, 2.5, { "@value": "x", "@language": "pl" }, []], "tags": "t", "plain": "no language"
            }),
        ),
        (
            "language maps and index maps",
            json!({
                "@context": { "@vocab": ex, "title": { "@container": "@language" }, "byKey": { "@container": "@index" }, "byProp": { "@id": "ex:byProp", "@container": "@index", "@index": "ex:key" } },
                "title": { "en": "Title", "el": "Τίτλος", "@none": "untagged" },
                "byKey": { "k1": { "ex:v": 1 }, "k2": [{ "ex:v": 2 }] },
                "byProp": { "p1": { "ex:v": "one" } }
            }),
        ),
        (
            "id maps and type maps",
            json!({
                "@context": { "@vocab": ex, "people": { "@container": "@id" }, "things": { "@container": "@type" } },
                "people": { "https://example.org/p/1": { "ex:name": "P1" } },
                "things": { "ex:Chair": { "ex:name": "C" }, "@none": { "ex:name": "none" } }
            }),
        ),
        (
            "graph containers",
            json!({
                "@context": { "@vocab": ex, "claim": { "@container": "@graph" }, "named": { "@container": ["@graph", "@id"] } },
                "@id": "https://example.org/doc",
                "claim": { "ex:says": "hello" },
                "named": { "https://example.org/g1": { "ex:in": "g1" } }
            }),
        ),
        (
            "nesting, reverse properties, included nodes",
            json!({
                "@context": { "@vocab": ex, "meta": "@nest", "parentOf": { "@reverse": "ex:childOf" } },
                "@id": "https://example.org/p", "meta": { "ex:a": "nested" },
                "parentOf": [{ "@id": "https://example.org/c1" }, { "@id": "https://example.org/c2", "ex:x": 1 }],
                "@reverse": { "ex:memberOf": { "@id": "https://example.org/m" } },
                "@included": [{ "@id": "https://example.org/i", "ex:y": "included" }]
            }),
        ),
        (
            "JSON literals, typed values, numbers",
            json!({
                "@context": { "@vocab": ex, "data": { "@type": "@json" }, "when": { "@type": "http://www.w3.org/2001/XMLSchema#date" }, "ref": { "@type": "@id" }, "kind": { "@type": "@vocab" } },
                "data": { "b": [1, 2.5, "x"], "a": null }, "when": "2024-06-30", "ref": "https://example.org/r",
                "kind": "Chair", "big": 1e21, "neg": -3, "frac": 0.1, "whole": 6.0
            }),
        ),
        (
            "blank node identifiers and arrays of graphs",
            json!({
                "@context": { "@vocab": ex },
                "@graph": [ { "@id": "_:x", "ex:p": { "@id": "_:y" } }, { "@id": "_:y", "ex:q": { "@id": "_:x" } } ]
            }),
        ),
        (
            "imported and protected contexts",
            json!({
                "@context": [ { "@protected": true, "@vocab": ex, "fixed": "ex:fixed" }, { "fixed": "ex:fixed" } ],
                "fixed": "same definition twice is allowed"
            }),
        ),
    ]
}

#[test]
fn rare_features_match_an_independent_implementation() {
    for (name, document) in feature_documents() {
        same(name, &document);
    }
}

#[test]
fn fixture_credentials_match_an_independent_implementation() {
    let mut compared = 0;
    if let Some(dir) = fixtures("w3c/vc-di-eddsa/TestVectors") {
        for file in [
            "unsigned.json",
            "eddsa-rdfc-2022/signedDataInt.json",
            "eddsa-jcs-2022/signedJCS.json",
            "Ed25519Signature2020/signedEdSig.json",
            "proof-set-chain/signedProofChain2.json",
        ] {
            same(file, &json(&dir, file));
            compared += 1;
        }
    }
    if let Some(dir) = fixtures("w3c/vc-data-model-2.0/input") {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if !name.ends_with("-ok.json") {
                continue;
            }
            let document = json(&dir, &name);
            // Refusals are tested elsewhere; here both must agree on what is accepted.
            if ours(&document).is_ok() {
                same(&name, &document);
                compared += 1;
            }
        }
    }
    if compared > 0 {
        assert!(compared >= 40, "only {compared} documents compared");
    }
}

#[test]
fn the_open_badges_canonicalisation_vector_matches() {
    let Some(dir) = fixtures("openbadges/test-vectors/obv3p0") else {
        return;
    };
    // The document the 1EdTech vector canonicalises (OB 3.0 specification, test vectors).
    let credential = json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": "http://example.com/credentials/3527",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": "https://example.edu/issuers/565049",
            "type": ["Profile"],
            "name": "Example Corp",
            "url": "https://www.imsglobal.org"
        },
        "validFrom": "2010-01-01T00:00:00Z",
        "name": "Teamwork Badge",
        "credentialSubject": {
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.com/achievements/21st-century-skills/teamwork",
                "type": ["Achievement"],
                "criteria": {
                    "narrative": "Team members are nominated for this badge by their peers and recognized upon review by Example Corp management."
                },
                "description": "This badge recognizes the development of the capacity to collaborate within a group environment.",
                "name": "Teamwork"
            }
        }
    });
    assert_eq!(ours(&credential).unwrap(), text(&dir, "document-canon.txt"));
    let proof = json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2010-01-01T19:23:24Z",
        "verificationMethod": "https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
        "proofPurpose": "assertionMethod"
    });
    assert_eq!(ours(&proof).unwrap(), text(&dir, "proof-canon.txt"));
}

#[test]
fn safe_mode_refuses_what_json_ld_would_drop_and_names_where() {
    let v2 = "https://www.w3.org/ns/credentials/v2";
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({ "@context": [v2], "type": ["VerifiableCredential"], "credentialSubject": { "@foo": 1 } }),
            "`@foo` at `credentialSubject.@foo` looks like a JSON-LD keyword but is none",
        ),
        (
            json!({ "@context": [v2], "type": ["VerifiableCredential"], "credentialSubject": { "nickname": "x" } }),
            "the term `nickname` at `credentialSubject.nickname` is not defined by any context, so a signature would not cover it",
        ),
        (
            json!({ "@context": [v2], "id": "relative/id", "type": ["VerifiableCredential"] }),
            "@id `relative/id` at `id` is a relative IRI with no base to resolve it against",
        ),
        (
            json!({ "@context": [v2, "https://example.org/ctx"], "type": ["VerifiableCredential"] }),
            "unknown JSON-LD context `https://example.org/ctx`: only bundled contexts are used, none is fetched",
        ),
        (
            json!({ "@context": [v2], "type": ["VerifiableCredential"], "name": { "@value": "x", "@language": "not a tag" } }),
            "`not a tag` at `name.@language` is not a well-formed language tag",
        ),
        (
            json!({ "@context": [v2, { "VerifiableCredential": "https://example.org/forged" }], "type": ["VerifiableCredential"] }),
            "the protected term `VerifiableCredential` is redefined at `@context`",
        ),
        (
            json!({ "@context": { "@vocab": "https://example.org/" }, "@graph": ["free-floating"] }),
            "a value outside any property at `@graph[0]` would be dropped by JSON-LD, so a signature would not cover it",
        ),
    ];
    for (document, message) in cases {
        let error = jsonld::to_rdf(&document).unwrap_err();
        assert_eq!(error.to_string(), message);
    }
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let mut document = json!({ "https://example.org/leaf": "x" });
    for _ in 0..10_000 {
        // Built by hand: json!() would serialize the inner value recursively.
        let mut outer = serde_json::Map::new();
        outer.insert("https://example.org/p".into(), document);
        document = Value::Object(outer);
    }
    assert!(matches!(
        jsonld::to_rdf(&document),
        Err(JsonLdError::TooDeep { .. })
    ));
    // serde_json drops a 10,000-deep value recursively; forget it instead of overflowing here.
    std::mem::forget(document);
}
