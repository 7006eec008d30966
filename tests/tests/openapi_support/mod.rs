//! Checks the app's JSON answers against the response schemas of `docs/openapi.yaml`, so the
//! documentation cannot drift from what the endpoints send: every required key is there, no key
//! is sent that the schema does not name, and values have the documented type and enum value.
//! It reads the part of JSON Schema the file uses (`$ref`, `allOf`, `oneOf`, `type` — one or a
//! list —, `nullable`, `enum`, `const`, `properties`, `required`, `items`).

use serde_json::Value;

pub struct Spec(Value);

impl Spec {
    pub fn load() -> Spec {
        let text = std::fs::read_to_string(integration_tests::repo_root().join("docs/openapi.yaml")).unwrap();
        Spec(serde_norway::from_str(&text).expect("docs/openapi.yaml parses"))
    }

    /// Panics naming every way `body` differs from the documented `status` answer of `method path`
    /// (`path` as written in the file, e.g. `/api/learn/{id}`).
    pub fn check(&self, method: &str, path: &str, status: u16, body: &Value) {
        let operation = &self.0["paths"][path][method];
        assert!(operation.is_object(), "{method} {path} is not documented");
        let response = self.resolve(&operation["responses"][status.to_string()]);
        let schema = &response["content"]["application/json"]["schema"];
        assert!(schema.is_object(), "{method} {path} documents no JSON schema for {status}");
        let mut problems = Vec::new();
        self.check_value(schema, body, "$", &mut problems);
        assert!(problems.is_empty(), "{method} {path} {status} differs from docs/openapi.yaml:\n{}\nin {body}", problems.join("\n"));
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        match schema["$ref"].as_str() {
            Some(reference) => {
                let pointer = reference.strip_prefix('#').expect("local reference");
                self.resolve(self.0.pointer(pointer).unwrap_or_else(|| panic!("{reference} is not in the file")))
            }
            None => schema,
        }
    }

    /// `schema` with its `allOf` parts merged: the union of their properties and required keys.
    fn merged(&self, schema: &Value) -> Value {
        let schema = self.resolve(schema).clone();
        let Some(parts) = schema["allOf"].as_array() else { return schema };
        let mut merged = serde_json::json!({ "type": "object", "properties": {}, "required": [] });
        for part in parts {
            let part = self.merged(part);
            for (key, value) in part["properties"].as_object().into_iter().flatten() {
                merged["properties"][key] = value.clone();
            }
            for key in part["required"].as_array().into_iter().flatten() {
                merged["required"].as_array_mut().unwrap().push(key.clone());
            }
        }
        merged
    }

    fn check_value(&self, schema: &Value, value: &Value, at: &str, problems: &mut Vec<String>) {
        let schema = self.merged(schema);
        if let Some(choices) = schema["oneOf"].as_array() {
            let fits = choices.iter().any(|choice| {
                let mut own = Vec::new();
                self.check_value(choice, value, at, &mut own);
                own.is_empty()
            });
            if !fits {
                problems.push(format!("{at}: fits none of oneOf"));
            }
            return;
        }
        let types: Vec<&str> = match &schema["type"] {
            Value::String(one) => vec![one.as_str()],
            Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if value.is_null() && (types.contains(&"null") || schema["nullable"] == true) {
            return;
        }
        // An integer is also a number.
        let fits = |kind: &str| types.is_empty() || types.contains(&kind) || (kind == "integer" && types.contains(&"number"));
        if !fits(type_of(value)) {
            problems.push(format!("{at}: a {} where the schema says {types:?}", type_of(value)));
            return;
        }
        if let Some(allowed) = schema["enum"].as_array().filter(|allowed| !allowed.contains(value)) {
            problems.push(format!("{at}: {value} is not one of {allowed:?}"));
        }
        if !schema["const"].is_null() && schema["const"] != *value {
            problems.push(format!("{at}: {value} is not {}", schema["const"]));
        }
        match value {
            Value::Object(fields) => {
                for key in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                    if !fields.contains_key(key) {
                        problems.push(format!("{at}: required `{key}` is missing"));
                    }
                }
                let Some(properties) = schema["properties"].as_object() else { return };
                for (key, field) in fields {
                    match properties.get(key) {
                        Some(property) => self.check_value(property, field, &format!("{at}.{key}"), problems),
                        None => problems.push(format!("{at}: `{key}` is sent but not documented")),
                    }
                }
            }
            Value::Array(items) if schema["items"].is_object() => {
                for (index, item) in items.iter().enumerate() {
                    self.check_value(&schema["items"], item, &format!("{at}[{index}]"), problems);
                }
            }
            _ => {}
        }
    }
}

fn type_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(number) if number.is_i64() || number.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
