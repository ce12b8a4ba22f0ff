//! `orderdesk learn`: a lesson file checked (every built-in one passes; a malformed one is
//! refused naming its line, exit 1), and the lessons' TUI refused without a terminal.

use assert_cmd::Command;

fn learn() -> Command {
    let mut cmd = Command::cargo_bin("orderdesk").unwrap();
    cmd.env_remove("DATABASE_URL")
        .env_remove("ORDERDESK_DATABASE_URL")
        .env("NO_COLOR", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("learn");
    cmd
}

#[test]
fn every_shipped_lesson_passes_its_check() {
    for (name, _) in orderdesk::lessons::BUILT_IN {
        let path = format!("assets/lessons/{name}");
        let out = learn().args(["--check", &path]).output().unwrap();
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{path}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            said.starts_with(&format!("{path}: \"")) && said.trim_end().ends_with(": ok"),
            "{said}"
        );
    }
}

#[test]
fn a_malformed_lesson_is_refused_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("eighth.toml");
    std::fs::write(
        &file,
        "title = \"Eight\"\nsummary = \"s\"\n\n[[step]]\ntitle = \"t\"\ntext = \"x\"\n\
         action = \"list_orders\"\nargs = { user = 1 }\nquestion = \"How many?\"\n\
         answer = \"selects + rowz\"\n",
    )
    .unwrap();
    let out = learn().arg("--check").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "eighth.toml:10: step 1: answer: \"rowz\" is not something the step's log shows"
        ),
        "{err}"
    );

    // The same lesson, mended, is an eighth lesson an instructor can run.
    std::fs::write(
        &file,
        "title = \"Eight\"\nsummary = \"s\"\n\n[[step]]\ntitle = \"t\"\ntext = \"x\"\n\
         action = \"list_orders\"\nargs = { user = 1 }\nquestion = \"How many?\"\n\
         answer = \"selects + orders\"\n",
    )
    .unwrap();
    let out = learn().arg("--check").arg(&file).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn lessons_need_a_terminal_and_a_lesson_that_exists() {
    let out = learn().output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a terminal"));
    let out = learn().arg("9").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("there is no lesson 9; the lessons are 1 to 7"),
        "{err}"
    );
}
