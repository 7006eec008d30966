//! Conformance probe for the runtime's HTTP trigger and host interfaces. Each `/ops/...` path
//! exercises one capability and reports what the host answered as JSON; every other path echoes the
//! `spin-*` headers so routing can be observed from outside.

use serde_json::{Value as Json, json};
use spin_sdk::http::{Method, Request, Response};
use spin_sdk::http_component;
use spin_sdk::key_value::Store;
use spin_sdk::sqlite::{Connection, Value};

#[http_component]
async fn handle(request: Request) -> Response {
    let path = request.path().to_string();
    let query = request.query().to_string();
    match path.strip_prefix("/ops/").unwrap_or("") {
        "sqlite" => reply(sqlite_roundtrip(&request)),
        "sqlite-tx" => reply(sqlite_transaction(&query)),
        op if op.starts_with("kv/") => reply(key_value(&op[3..], &request)),
        op if op.starts_with("variable/") => reply(variable(&op[9..])),
        "outbound" => reply(outbound(&query).await),
        "outbound-timed" => reply(outbound_timed(&query)),
        "undeclared" => reply(undeclared_stores()),
        "busy" => busy_forever(),
        "sleep" => {
            std::thread::sleep(std::time::Duration::from_millis(param(&query, "ms").parse().unwrap_or(0)));
            reply(json!({"slept": true}))
        }
        "trap" => panic!("deliberate trap"),
        "print" => {
            let text = param(&query, "text");
            println!("out: {text}");
            eprintln!("err: {text}");
            reply(json!({"printed": text}))
        }
        "body-length" => reply(json!({"length": request.body().len()})),
        _ => reply(echo_headers(&request)),
    }
}

fn reply(body: Json) -> Response {
    Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(body.to_string())
        .build()
}

fn param(query: &str, name: &str) -> String {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.replace("%3A", ":").replace("%2F", "/"))
        .unwrap_or_default()
}

fn echo_headers(request: &Request) -> Json {
    let headers: serde_json::Map<String, Json> = request
        .headers()
        .filter(|(name, _)| name.starts_with("spin-"))
        .map(|(name, value)| (name.to_string(), json!(value.as_str().unwrap_or(""))))
        .collect();
    json!({"path": request.path(), "method": format!("{:?}", request.method()), "headers": headers})
}

/// Writes one row holding every value type through parameters and reads it back.
fn sqlite_roundtrip(request: &Request) -> Json {
    let run = || -> Result<Json, spin_sdk::sqlite::Error> {
        let db = Connection::open_default()?;
        db.execute("CREATE TABLE IF NOT EXISTS probe (i INTEGER, r REAL, t TEXT, b BLOB, n TEXT)", &[])?;
        db.execute("DELETE FROM probe", &[])?;
        let text = String::from_utf8_lossy(request.body()).into_owned();
        db.execute(
            "INSERT INTO probe (i, r, t, b, n) VALUES (?, ?, ?, ?, ?)",
            &[Value::Integer(-9_007_199_254_740_993), Value::Real(2.5), Value::Text(text), Value::Blob(vec![0, 1, 255]), Value::Null],
        )?;
        let result = db.execute("SELECT i, r, t, b, n FROM probe WHERE i < ?", &[Value::Integer(0)])?;
        let rows: Vec<Json> = result
            .rows
            .iter()
            .map(|row| Json::Array(row.values.iter().map(value_json).collect()))
            .collect();
        Ok(json!({"columns": result.columns, "rows": rows}))
    };
    run().unwrap_or_else(|error| json!({"error": error.to_string()}))
}

fn value_json(value: &Value) -> Json {
    match value {
        Value::Integer(i) => json!({"integer": i}),
        Value::Real(r) => json!({"real": r}),
        Value::Text(t) => json!({"text": t}),
        Value::Blob(b) => json!({"blob": b}),
        Value::Null => Json::Null,
    }
}

/// Opens a transaction, writes, optionally sleeps, and commits or returns without committing
/// (the host must roll the abandoned transaction back).
fn sqlite_transaction(query: &str) -> Json {
    let run = || -> Result<Json, spin_sdk::sqlite::Error> {
        let db = Connection::open_default()?;
        db.execute("CREATE TABLE IF NOT EXISTS tx_probe (v TEXT)", &[])?;
        db.execute("BEGIN IMMEDIATE", &[])?;
        db.execute("INSERT INTO tx_probe (v) VALUES (?)", &[Value::Text(param(query, "value"))])?;
        let ms = param(query, "sleep_ms").parse().unwrap_or(0);
        std::thread::sleep(std::time::Duration::from_millis(ms));
        if param(query, "commit") == "1" {
            db.execute("COMMIT", &[])?;
        }
        let count = db.execute("SELECT COUNT(*) FROM tx_probe", &[])?;
        Ok(json!({"count_inside": count.rows[0].values.first().map(value_json)}))
    };
    run().unwrap_or_else(|error| json!({"error": error.to_string()}))
}

fn key_value(op: &str, request: &Request) -> Json {
    let store = match Store::open_default() {
        Ok(store) => store,
        Err(error) => return json!({"error": error.to_string()}),
    };
    let (op, key) = op.split_once('/').unwrap_or((op, ""));
    let result = match (request.method(), op) {
        (Method::Put, "value") => store.set(key, request.body()).map(|()| json!({"set": key})),
        (Method::Get, "value") => store
            .get(key)
            .map(|value| json!({"value": value.map(|v| String::from_utf8_lossy(&v).into_owned())})),
        (Method::Delete, "value") => store.delete(key).map(|()| json!({"deleted": key})),
        (Method::Get, "exists") => store.exists(key).map(|exists| json!({"exists": exists})),
        (Method::Get, "keys") => store.get_keys().map(|mut keys| {
            keys.sort();
            json!({"keys": keys})
        }),
        _ => return json!({"error": "unknown kv op"}),
    };
    result.unwrap_or_else(|error| json!({"error": error.to_string()}))
}

fn variable(name: &str) -> Json {
    match spin_sdk::variables::get(name) {
        Ok(value) => json!({"value": value}),
        Err(error) => json!({"error": format!("{error:?}")}),
    }
}

async fn outbound(query: &str) -> Json {
    let url = param(query, "url");
    let request = spin_sdk::http::Request::get(url).build();
    match spin_sdk::http::send::<_, Response>(request).await {
        Ok(response) => json!({"status": response.status(), "body": String::from_utf8_lossy(response.body())}),
        Err(error) => json!({"error": format!("{error:?}")}),
    }
}

/// `outbound-timed?url=http://…&first_byte_ms=…`: a GET with the guest's first-byte timeout set
/// (its connect timeout a minute), answering the status or the host's error code.
fn outbound_timed(query: &str) -> Json {
    use spin_sdk::wit::wasi::http0_2_0::outgoing_handler;
    use spin_sdk::wit::wasi::http0_2_0::types::{Fields, OutgoingRequest, RequestOptions, Scheme};
    let url = param(query, "url");
    let (authority, path) = url.trim_start_matches("http://").split_once('/').unwrap_or((&url, ""));
    let request = OutgoingRequest::new(Fields::new());
    let _ = request.set_scheme(Some(&Scheme::Http));
    let _ = request.set_authority(Some(authority));
    let _ = request.set_path_with_query(Some(&format!("/{path}")));
    let options = RequestOptions::new();
    let first_byte_ms: u64 = param(query, "first_byte_ms").parse().unwrap_or(0);
    let _ = options.set_connect_timeout(Some(60_000_000_000));
    let _ = options.set_first_byte_timeout(Some(first_byte_ms * 1_000_000));
    let pending = match outgoing_handler::handle(request, Some(options)) {
        Ok(pending) => pending,
        Err(code) => return json!({"error": format!("{code:?}")}),
    };
    pending.subscribe().block();
    match pending.get() {
        Some(Ok(Ok(response))) => json!({"status": response.status()}),
        Some(Ok(Err(code))) => json!({"error": format!("{code:?}")}),
        _ => json!({"error": "no response"}),
    }
}

fn undeclared_stores() -> Json {
    let kv = Store::open("undeclared").err().map(|e| format!("{e:?}"));
    let sqlite = Connection::open("undeclared").err().map(|e| format!("{e:?}"));
    json!({"key_value": kv, "sqlite": sqlite})
}

fn busy_forever() -> Response {
    let mut counter: u64 = 0;
    loop {
        counter = std::hint::black_box(counter.wrapping_add(1));
    }
}
