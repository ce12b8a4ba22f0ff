//! SeaORM's migration command line over orderdesk's migrations: what `sea-orm-cli migrate`
//! runs, and `cargo run -p migration -- status` (the database from `DATABASE_URL` or `-u`).

#[tokio::main]
async fn main() {
    sea_orm_migration::cli::run_cli(migration::Migrator).await;
}
