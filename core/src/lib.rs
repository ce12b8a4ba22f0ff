//! orderdesk's core: the entities, the database (connecting, migrating, the statement recorder,
//! transactions), the service layer every face calls, the SQL log, money and text folding. It
//! knows no face: no terminal, command-line or HTTP crate is among its dependencies.

pub mod db;
pub mod entity;
pub mod fold;
pub mod lessons;
pub mod money;
pub mod redact;
pub mod service;
pub mod sql_log;
pub mod zone;

#[cfg(test)]
mod tests {
    /// The core knows no face: none of the faces' crates is among its dependencies (and so the
    /// HTTP face, when it comes, links no terminal crate).
    #[test]
    fn the_core_depends_on_no_face() {
        let manifest = include_str!("../Cargo.toml");
        let deps = manifest
            .split("[dependencies]")
            .nth(1)
            .expect("a [dependencies] table");
        for face in [
            "ratatui",
            "crossterm",
            "clap",
            "comfy-table",
            "indicatif",
            "axum",
        ] {
            assert!(
                !deps.lines().any(|l| l.trim_start().starts_with(face)),
                "{face} is a face's crate"
            );
        }
    }
}
