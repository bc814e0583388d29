//! The OpenAPI 3.1 document, made from the endpoint table (so it lists exactly what the router
//! serves) and from the model's own JSON Schemas.

use serde_json::{Map, Value, json};

use crate::api::{Access, endpoints};

/// A model type's JSON Schema, its definitions moved into `components.schemas`.
fn schema_of<T: schemars::JsonSchema>(schemas: &mut Map<String, Value>) -> Value {
    let text = serde_json::to_string(&schemars::schema_for!(T)).unwrap_or_default();
    let text = text.replace("#/$defs/", "#/components/schemas/");
    let mut schema: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    if let Some(object) = schema.as_object_mut() {
        object.remove("$schema");
        if let Some(Value::Object(defs)) = object.remove("$defs") {
            for (name, def) in defs {
                schemas.insert(name, def);
            }
        }
    }
    schema
}

fn problem_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } }
    })
}

/// The document, with `base` as its server.
pub fn document(base: &str) -> Value {
    let mut schemas = Map::new();
    let university = schema_of::<microcred_model::University>(&mut schemas);
    let element = schema_of::<microcred_model::CourseElement>(&mut schemas);
    let specification = schema_of::<microcred_model::Specification>(&mut schemas);
    schemas.insert("University".into(), university);
    schemas.insert("CourseElement".into(), element);
    schemas.insert("Specification".into(), specification);
    let columns: Map<String, Value> = microcred_app::results::COLUMNS
        .iter()
        .chain(["overall_grade"].iter())
        .map(|c| ((*c).to_owned(), json!({ "type": "string" })))
        .collect();
    schemas.insert(
        "ResultRow".into(),
        json!({ "type": "object", "required": ["learner", "given_names", "family_names", "element", "completed_on"], "properties": columns }),
    );
    schemas.insert(
        "Problem".into(),
        json!({
            "type": "object",
            "description": "RFC 9457 problem details; `errors` lists what was wrong, by path",
            "required": ["type", "title", "status"],
            "properties": {
                "type": { "type": "string" },
                "title": { "type": "string" },
                "status": { "type": "integer" },
                "detail": { "type": "string" },
                "errors": { "type": "array", "items": { "type": "object", "required": ["path", "message"], "properties": { "path": { "type": "string" }, "message": { "type": "string" } } } }
            }
        }),
    );
    let mut paths: Map<String, Value> = Map::new();
    for endpoint in endpoints() {
        let parameters: Vec<Value> = endpoint
            .path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
            .collect();
        let method = endpoint.method.as_str().to_lowercase();
        let operation_id = format!(
            "{method}{}",
            endpoint
                .path
                .replace(['{', '}', '.', '-'], "")
                .replace('/', "_")
        );
        let mut responses = Map::new();
        responses.insert(
            endpoint.success.0.to_string(),
            json!({ "description": endpoint.success.1, "content": { "application/json": { "schema": { "type": "object" } } } }),
        );
        if endpoint.body.is_some() {
            responses.insert("400".into(), problem_response("The body is not JSON"));
            responses.insert("413".into(), problem_response("The body is too large"));
            responses.insert(
                "415".into(),
                problem_response("The body is not of a media type this accepts"),
            );
            responses.insert(
                "422".into(),
                problem_response("The body is not valid: `errors` says where"),
            );
        }
        if endpoint.access != Access::Public {
            responses.insert("401".into(), problem_response("Not signed in"));
            responses.insert(
                "403".into(),
                problem_response("Signed in, but not allowed to"),
            );
        }
        if !parameters.is_empty() {
            responses.insert("404".into(), problem_response("Not found"));
        }
        if endpoint.method != axum::http::Method::GET {
            responses.insert(
                "409".into(),
                problem_response("In a state that does not allow it"),
            );
        }
        let mut operation = json!({
            "operationId": operation_id,
            "summary": endpoint.summary,
            "tags": [endpoint.tag],
            "parameters": parameters,
            "responses": responses,
        });
        match endpoint.access {
            Access::Public => {}
            Access::Account => {
                operation["security"] = json!([{ "bearer": [] }, { "session": [] }]);
            }
            Access::Roles(roles) => {
                operation["security"] = json!([{ "bearer": [] }, { "session": [] }]);
                operation["x-roles"] = json!(roles);
            }
        }
        if let Some(body) = &endpoint.body {
            // JSON bodies have the endpoint's schema; other media types are bytes.
            let content: Map<String, Value> = endpoint
                .media_types
                .iter()
                .map(|&media| {
                    let schema = if media == "application/json" || media.ends_with("+json") {
                        body.clone()
                    } else {
                        json!({ "type": "string", "format": "binary" })
                    };
                    (media.to_owned(), json!({ "schema": schema }))
                })
                .collect();
            operation["requestBody"] = json!({ "required": true, "content": content });
        }
        let entry = paths
            .entry(endpoint.path.to_owned())
            .or_insert_with(|| json!({}));
        entry[method] = operation;
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "microcred",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Micro-credentials for European university alliances: catalogue and review of specifications, learners' results, issuance, revocation and verification of Open Badges 3.0 credentials, and the W3C VC API.",
            "license": { "name": "EUPL-1.2", "identifier": "EUPL-1.2" }
        },
        "servers": [{ "url": base }],
        "components": {
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer", "description": "A session token (POST /api/v1/session) or an API token (POST /api/v1/me/tokens)" },
                "session": { "type": "apiKey", "in": "cookie", "name": crate::auth::SESSION_COOKIE }
            },
            "schemas": schemas
        },
        "paths": paths
    })
}
