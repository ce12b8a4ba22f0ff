//! The migration crate's command line (SeaORM's, as `sea-orm-cli migrate` runs it): it applies
//! orderdesk's migrations to a database and reports them.

use std::process::Command;

fn migration(url: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_migration"))
        .args(["-u", url])
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .expect("the migration binary runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn up_then_status_lists_every_migration_applied_and_down_reverts_the_last() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("m.db").display());
    let names = [
        "m20261122_000001_create_tables",
        "m20261122_000002_orders_user_status_index",
        "m20261124_000003_drop_order_items_product_index",
        "m20261124_000004_order_ids_without_autoincrement",
        "m20261202_000005_stock_taken_and_order_stats",
        "m20261202_000006_search_keys",
        "m20261202_000007_idempotency_keys",
        "m20261203_000008_api_tokens",
        "m20261203_000009_event_publishing",
    ];
    for (step, state) in [(None, "Pending"), (Some("up"), "Applied")] {
        if let Some(step) = step {
            let (ok, text) = migration(&url, &[step]);
            assert!(ok, "{text}");
        }
        let (ok, text) = migration(&url, &["status"]);
        assert!(ok, "{text}");
        for name in names {
            let line = format!("Migration '{name}'... {state}");
            assert!(text.contains(&line), "{text}");
        }
    }
    let (ok, text) = migration(&url, &["down", "-n", "1"]);
    assert!(ok, "{text}");
    let (_, text) = migration(&url, &["status"]);
    assert!(
        text.contains("Migration 'm20261203_000009_event_publishing'... Pending")
            && text.contains("Migration 'm20261203_000008_api_tokens'... Applied"),
        "{text}"
    );
}
