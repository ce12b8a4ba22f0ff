//! orderdesk: install color-eyre, parse the command line, run it, exit 0, 1 or 2.

use std::process::ExitCode;

use clap::Parser;
use orderdesk::cli::{Cli, Command};
use orderdesk::commands;

fn main() -> ExitCode {
    let _ = orderdesk::STARTED.set(std::time::Instant::now());
    // A second install (there is none) is the only failure, and harmless.
    let _ = color_eyre::install();
    let mut cli = Cli::parse();
    let json = cli.json;
    // The TUI keeps drawing while requests run, so it gets worker threads; a command runs one
    // thing after another, which one thread does without waking others for every statement.
    let interactive = matches!(cli.command, None | Some(Command::Bench { tui: true, .. }));
    let mut builder = if interactive {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    let runtime = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    // The face: the terminal UI without a subcommand, the command line with one.
    let result = runtime.block_on(async {
        match cli.command.take() {
            None => commands::tui(cli.database_url.as_deref(), cli.theme).await,
            Some(command) => commands::run(cli, command).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Usage errors stay text, as clap's own are.
            if json && e.exit_code() == 1 {
                eprintln!("{}", e.to_json());
            } else {
                eprintln!("error: {e}");
            }
            ExitCode::from(e.exit_code())
        }
    }
}
