//! JSON Schemas of the two file kinds, for editors (TOML editors such as Taplo read them too).

use schemars::generate::SchemaSettings;
use serde_json::{Value, json};

use microcred_model::{Catalogue, Specification};

/// The schema of a specification file: a specification plus an optional inline catalogue.
pub fn specification_file_schema() -> Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.into_root_schema_for::<Specification>().to_value();
    let catalogue = catalogue_file_schema();
    let properties = schema["properties"]
        .as_object_mut()
        .expect("a struct schema has properties");
    properties.insert(
        "catalogue".into(),
        json!({
            "description": "Catalogue files (relative to this file) that define the course elements and universities used.",
            "oneOf": [{ "type": "string" }, { "type": "array", "items": { "type": "string" } }]
        }),
    );
    for key in ["universities", "course_elements"] {
        properties.insert(key.into(), catalogue["properties"][key].clone());
    }
    if let (Some(defs), Some(more)) = (
        schema["$defs"].as_object_mut(),
        catalogue["$defs"].as_object(),
    ) {
        for (name, definition) in more {
            defs.entry(name.clone())
                .or_insert_with(|| definition.clone());
        }
    }
    schema["title"] = json!("microcred micro-credential specification");
    schema["$id"] = json!("https://microcred.eu/schema/specification.schema.json");
    schema
}

/// The schema of a catalogue file: universities and course elements.
pub fn catalogue_file_schema() -> Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.into_root_schema_for::<Catalogue>().to_value();
    schema["title"] = json!("microcred catalogue of universities and course elements");
    schema["$id"] = json!("https://microcred.eu/schema/catalogue.schema.json");
    schema
}
