//! The README's examples are true: every `console` block in README.md and docs/*.md is run,
//! in order, against one fresh SQLite database, and what each `$ orderdesk ...` line prints
//! (stderr, then stdout: `--echo`'s statements come before the result) must match the lines
//! under it. `[..]` in an expected line matches any
//! text within the line, a line `...` any number of lines, and a line `? N` gives the exit code
//! (0 when absent). Trailing spaces are ignored. The database starts empty, so a file's first
//! block sets it up as a reader would (`orderdesk seed --demo --today 2026-11-22`).

use std::path::{Path, PathBuf};

/// One `$ command` with what it must print and its exit code.
#[derive(Debug)]
struct Example {
    file: String,
    line: usize,
    args: Vec<String>,
    expected: Vec<String>,
    code: i32,
}

/// The console blocks of a Markdown text, as examples.
fn examples(file: &str, text: &str) -> Vec<Example> {
    let mut out: Vec<Example> = Vec::new();
    let mut in_block = false;
    for (n, line) in text.lines().enumerate() {
        if !in_block {
            in_block = line.trim() == "```console";
            continue;
        }
        if line.trim() == "```" {
            in_block = false;
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            let words = shell_words(command);
            assert_eq!(
                words.first().map(String::as_str),
                Some("orderdesk"),
                "{file}:{}: a checked example runs orderdesk",
                n + 1
            );
            out.push(Example {
                file: file.to_owned(),
                line: n + 1,
                args: words[1..].to_vec(),
                expected: Vec::new(),
                code: 0,
            });
        } else if let Some(example) = out.last_mut() {
            match line.strip_prefix("? ") {
                Some(code) => example.code = code.trim().parse().expect("? N, an exit code"),
                None => example.expected.push(line.trim_end().to_owned()),
            }
        }
    }
    out
}

/// Splits a command line at spaces, keeping "double" and 'single' quoted words whole.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut started = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                started = true;
            }
            (None, ' ') => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            (None, c) => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    words
}

/// Whether `line` matches `pattern`, where `[..]` matches any text.
fn line_matches(pattern: &str, line: &str) -> bool {
    let parts: Vec<&str> = pattern.split("[..]").collect();
    if parts.len() == 1 {
        return pattern == line;
    }
    let mut rest = line;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    true
}

/// Whether the printed lines match the expected ones (`...` matches any number of lines).
fn lines_match(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first == "..." => {
            (0..=actual.len()).any(|skip| lines_match(rest, &actual[skip..]))
        }
        Some((first, rest)) => actual
            .split_first()
            .is_some_and(|(line, more)| line_matches(first, line) && lines_match(rest, more)),
    }
}

fn checked_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    if let Ok(entries) = std::fs::read_dir(root.join("docs")) {
        let mut docs: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        docs.sort();
        files.extend(docs);
    }
    files
}

#[test]
fn every_checked_example_in_the_docs_prints_what_it_says() {
    let mut checked = 0;
    for path in checked_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let examples = examples(&name, &text);
        if examples.is_empty() {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("readme.db").display());
        for example in &examples {
            let out = assert_cmd::Command::cargo_bin("orderdesk")
                .unwrap()
                .env_remove("DATABASE_URL")
                .env("ORDERDESK_DATABASE_URL", &url)
                .env("NO_COLOR", "1")
                .env("COLUMNS", "100")
                .env("TZ", "UTC")
                .current_dir(dir.path())
                .args(&example.args)
                .output()
                .unwrap();
            let printed = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stderr),
                String::from_utf8_lossy(&out.stdout)
            );
            let actual: Vec<&str> = printed.lines().map(str::trim_end).collect();
            let at = format!(
                "{}:{} `orderdesk {}`",
                example.file,
                example.line,
                example.args.join(" ")
            );
            assert_eq!(out.status.code(), Some(example.code), "{at}:\n{printed}");
            assert!(
                lines_match(&example.expected, &actual),
                "{at} printed:\n{printed}\nexpected:\n{}",
                example.expected.join("\n")
            );
            checked += 1;
        }
    }
    eprintln!("{checked} documented command lines checked");
    assert!(checked >= 5, "the README's examples were found ({checked})");
}

#[test]
fn the_matcher_knows_wildcards_and_elisions() {
    assert!(line_matches("[..] ms", "0.1 ms"));
    assert!(line_matches("a [..] c [..]", "a b c d"));
    assert!(!line_matches("a [..] c", "a b d"));
    let expected: Vec<String> = ["one", "...", "four"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    assert!(lines_match(&expected, &["one", "two", "three", "four"]));
    assert!(!lines_match(&expected, &["one", "two"]));
    assert_eq!(
        shell_words("orderdesk user add --name \"Ada L\" --x 'a b'"),
        ["orderdesk", "user", "add", "--name", "Ada L", "--x", "a b"]
    );
}
