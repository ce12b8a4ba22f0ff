//! orderdesk: install color-eyre, parse the command line, run it, exit 0, 1 or 2.

use std::process::ExitCode;

use clap::Parser;
use orderdesk::cli::Cli;
use orderdesk::commands;

fn main() -> ExitCode {
    let _ = orderdesk::STARTED.set(std::time::Instant::now());
    // A second install (there is none) is the only failure, and harmless.
    let _ = color_eyre::install();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
