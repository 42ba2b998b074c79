//! The shape of the house, checked: adapters see domain and service types only (no storage
//! type outside persistence and services), and use cases stay short enough to read as one.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn api_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("api/src")
}

#[test]
fn adapters_import_no_storage_type() {
    let root = api_src();
    let mut files = Vec::new();
    for dir in ["rest", "graphql", "xapi"] {
        if root.join(dir).exists() {
            rust_files(&root.join(dir), &mut files);
        }
    }
    for file in [
        "rest.rs",
        "graphql.rs",
        "auth.rs",
        "body.rs",
        "idempotency.rs",
        "policy.rs",
        "demo.rs",
    ] {
        files.push(root.join(file));
    }
    let offenders: Vec<String> = files
        .iter()
        .filter(|f| f.exists())
        .filter(|f| {
            std::fs::read_to_string(f)
                .expect("read")
                .contains("learnwell_persistence")
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "storage types reach adapters in {offenders:?}"
    );
}

#[test]
fn no_use_case_is_longer_than_80_lines() {
    let mut files = Vec::new();
    rust_files(&api_src().join("services"), &mut files);
    files.push(api_src().join("services.rs"));
    let mut long = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let trimmed = line.trim_start();
            let is_fn = [
                "fn ",
                "pub fn ",
                "async fn ",
                "pub async fn ",
                "pub(crate) fn ",
                "pub(crate) async fn ",
            ]
            .iter()
            .any(|p| trimmed.starts_with(p));
            if !is_fn || line.trim_end().ends_with(';') {
                continue;
            }
            let indent = &line[..line.len() - trimmed.len()];
            let close = format!("{indent}}}");
            let Some(end) = lines[i..].iter().position(|l| *l == close) else {
                continue;
            };
            if end + 1 > 80 {
                long.push(format!("{}:{} ({} lines)", file.display(), i + 1, end + 1));
            }
        }
    }
    assert!(long.is_empty(), "functions over 80 lines: {long:#?}");
}
