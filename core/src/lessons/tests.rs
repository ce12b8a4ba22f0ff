use super::*;

#[test]
fn the_built_in_lessons_parse_in_order() {
    // The six, in its order, then the fast paths against their query-builder forms.
    let lessons = built_in();
    let titles: Vec<&str> = lessons.iter().map(|l| l.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Rows and keys",
            "A transaction",
            "N+1",
            "Isolation",
            "The lost update",
            "The outbox",
            "The fast path"
        ]
    );
    for lesson in &lessons {
        for step in &lesson.steps {
            if let Some(action) = &step.action {
                assert!(
                    step.code.is_some(),
                    "{}: {} shows its code",
                    lesson.title,
                    step.title
                );
                assert!(code::snippet(action.code()).is_some());
            }
        }
    }
}

#[test]
fn every_shown_function_is_cut_from_the_source_it_runs() {
    for name in code::names() {
        let snippet = code::snippet(name).unwrap_or_else(|| panic!("{name} is found"));
        let signature = snippet.text.lines().next().unwrap();
        assert!(
            signature.contains(&format!("fn {name}("))
                || signature.contains(&format!("fn {name}<")),
            "{name}: {signature}"
        );
        assert!(
            snippet.text.ends_with('}'),
            "{name} ends with its closing brace"
        );
    }
    // The lost-update lesson shows the conditional UPDATE it runs.
    assert!(code::snippet("take_stock").unwrap().text.contains(".gte("));
    assert!(
        code::snippet("sell_naive")
            .unwrap()
            .text
            .contains("changed.update(&*tx)")
    );
}

fn error_of(text: &str) -> LessonError {
    Lesson::parse("bad.toml", text).expect_err("refused")
}

const HEAD: &str = "title = \"T\"\nsummary = \"S\"\n";

#[test]
fn a_malformed_lesson_is_refused_naming_its_line() {
    let e = error_of(&format!(
        "{HEAD}[[step]]\ntitle = \"a\"\ntext = \"b\"\naction = \"explode\"\n"
    ));
    assert_eq!(e.line, 6, "{e}");
    assert!(
        e.to_string()
            .starts_with("bad.toml:6: step 1: unknown action \"explode\""),
        "{e}"
    );

    let e = error_of(&format!(
        "{HEAD}[[step]]\ntitle = \"a\"\ntext = \"b\"\naction = \"create_user\"\nargs = {{ email = \"a@b.c\" }}\n"
    ));
    assert_eq!(e.line, 7, "{e}");
    assert!(e.message.contains("missing field `full_name`"), "{e}");

    let e = error_of(&format!(
        "{HEAD}[[step]]\ntitle = \"a\"\ntext = \"b\"\naction = \"counts\"\nquestion = \"q?\"\nanswer = \"selcts + 1\"\n"
    ));
    assert_eq!(e.line, 8, "{e}");
    assert!(
        e.message
            .contains("\"selcts\" is not something the step's log shows"),
        "{e}"
    );

    let e = error_of(&format!(
        "{HEAD}[[step]]\ntitle = \"a\"\ntext = \"b\"\naction = \"list_orders\"\nargs = {{ user = 1, lazy = true, builder = true }}\n"
    ));
    assert_eq!(e.line, 7, "{e}");
    assert!(
        e.message
            .contains("list_orders's args: lazy and builder are two ways of listing; choose one"),
        "{e}"
    );

    let e = error_of(&format!(
        "{HEAD}[[step]]\ntitle = \"a\"\ntext = \"b\"\naction = \"time_both\"\nargs = {{ call = \"delete_order\", user = 1, times = 3 }}\n"
    ));
    assert_eq!(e.line, 7, "{e}");
    assert!(e.message.contains("delete_order"), "{e}");

    let e = error_of(&format!(
        "{HEAD}[[step]]\ntitle = \"a\"\ntext = \"b\"\nquestion = \"q?\"\n"
    ));
    assert_eq!(e.line, 6, "{e}");
    assert!(e.message.contains("a question needs an answer"), "{e}");

    let e = error_of(&format!("{HEAD}[[step]]\ntitle = = \"a\"\ntext = \"b\"\n"));
    assert_eq!(e.line, 4, "a TOML error names its line too: {e}");

    let e = error_of(&format!(
        "{HEAD}colour = \"red\"\n[[step]]\ntitle = \"a\"\ntext = \"b\"\n"
    ));
    assert_eq!(e.line, 3, "{e}");
    assert!(e.message.contains("colour"), "{e}");

    let e = error_of(HEAD);
    assert!(e.message.contains("step"), "{e}");
}

#[test]
fn answers_compare_as_numbers_yes_no_and_words() {
    assert!(check_answer(&Expected::Number(21), " 21 ").correct);
    assert!(!check_answer(&Expected::Number(21), "twenty-one").correct);
    assert!(check_answer(&Expected::YesNo(true), "Y").correct);
    assert!(check_answer(&Expected::YesNo(false), "no").correct);
    assert!(!check_answer(&Expected::YesNo(false), "maybe").correct);
    assert!(check_answer(&Expected::Text("sqlite".into()), "SQLite").correct);
}

#[test]
fn an_explanation_fills_in_its_figures() {
    let filled = run::fill_with("{sold} sold, {oversold} over, {nope", |e| match e {
        "sold" => Some(Expected::Number(8)),
        "oversold" => Some(Expected::Number(5)),
        _ => None,
    });
    assert_eq!(filled, "8 sold, 5 over, {nope");
}
