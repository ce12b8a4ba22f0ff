//! Every colour and style of the TUI, in three palettes: dark (for a dark terminal, the
//! default), light (for a light one, or a projector's white screen) and high contrast (no
//! colour and no dim text: bold, underline and reverse only, readable on any background and
//! from the back of a room). With `NO_COLOR` set, no colour at all.

use ratatui::style::{Color, Modifier, Style};

/// A palette, as `--theme` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Palette {
    /// For a dark terminal.
    #[default]
    Dark,
    /// For a light terminal or a projector.
    Light,
    /// Bold, underline and reverse only: any background, any distance.
    HighContrast,
}

impl Palette {
    /// As `--theme` spells it.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Palette::Dark => "dark",
            Palette::Light => "light",
            Palette::HighContrast => "high-contrast",
        }
    }

    /// The palette `--theme` named, remembered in `file` for the next start; without one, the
    /// palette remembered there (dark when none is).
    #[must_use]
    pub fn chosen(flag: Option<Palette>, file: Option<&std::path::Path>) -> Palette {
        use clap::ValueEnum as _;
        match (flag, file) {
            (Some(palette), Some(file)) => {
                if let Some(dir) = file.parent() {
                    let _ = std::fs::create_dir_all(dir);
                }
                let _ = std::fs::write(file, format!("{}\n", palette.name()));
                palette
            }
            (Some(palette), None) => palette,
            (None, Some(file)) => std::fs::read_to_string(file)
                .ok()
                .and_then(|text| Palette::from_str(text.trim(), true).ok())
                .unwrap_or_default(),
            (None, None) => Palette::default(),
        }
    }
}

/// Where the palette chosen with `--theme` is remembered: `theme` in orderdesk's config
/// directory.
#[must_use]
pub fn theme_file() -> Option<std::path::PathBuf> {
    directories::ProjectDirs::from("", "", "orderdesk").map(|d| d.config_dir().join("theme"))
}

/// The styles the screens draw with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    color: bool,
    palette: Palette,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set (to anything non-empty).
    #[must_use]
    pub fn from_env() -> Self {
        Theme::with_palette(Palette::default())
    }

    /// `palette`, without colour if `NO_COLOR` is set (high contrast has none anyway).
    #[must_use]
    pub fn with_palette(palette: Palette) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme {
            color: !no_color && palette != Palette::HighContrast,
            palette,
        }
    }

    /// A theme with or without colour.
    #[must_use]
    pub fn new(color: bool) -> Self {
        Theme {
            color,
            palette: Palette::Dark,
        }
    }

    /// The palette.
    #[must_use]
    pub fn palette(self) -> Palette {
        self.palette
    }

    /// `dark` on a dark terminal, `light` on a light one.
    fn pick(self, dark: Color, light: Color) -> Color {
        if self.palette == Palette::Light {
            light
        } else {
            dark
        }
    }

    /// Emphasis without colour: bold, and underlined in high contrast.
    fn strong(self) -> Modifier {
        if self.palette == Palette::HighContrast {
            Modifier::BOLD | Modifier::UNDERLINED
        } else {
            Modifier::BOLD
        }
    }

    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    /// The selected row of a list.
    #[must_use]
    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    /// Column headers.
    #[must_use]
    pub fn header(self) -> Style {
        self.fg(self.pick(Color::Cyan, Color::Blue))
            .add_modifier(Modifier::BOLD)
    }

    /// The active tab.
    #[must_use]
    pub fn tab_active(self) -> Style {
        if self.palette == Palette::HighContrast {
            return Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD);
        }
        self.fg(self.pick(Color::Yellow, Color::Blue))
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    /// Inactive tabs, hints and other quiet text (in high contrast, plain text: dim text is
    /// what a projector loses first).
    #[must_use]
    pub fn dim(self) -> Style {
        match (self.palette, self.color) {
            (Palette::HighContrast, _) => Style::new(),
            (_, true) => Style::new().fg(self.pick(Color::DarkGray, Color::Gray)),
            (_, false) => Style::new().add_modifier(Modifier::DIM),
        }
    }

    /// Keys in the hint bar and help.
    #[must_use]
    pub fn key(self) -> Style {
        self.fg(self.pick(Color::Yellow, Color::Magenta))
            .add_modifier(self.strong())
    }

    /// An error message.
    #[must_use]
    pub fn error(self) -> Style {
        let style = self.fg(Color::Red).add_modifier(Modifier::BOLD);
        if self.palette == Palette::HighContrast {
            style.add_modifier(Modifier::REVERSED)
        } else {
            style
        }
    }

    /// A success message.
    #[must_use]
    pub fn ok(self) -> Style {
        if self.palette == Palette::HighContrast {
            return Style::new().add_modifier(Modifier::BOLD);
        }
        self.fg(Color::Green)
    }

    /// Low stock.
    #[must_use]
    pub fn low(self) -> Style {
        self.fg(Color::Red).add_modifier(self.strong())
    }

    /// The focused field's border.
    #[must_use]
    pub fn focus(self) -> Style {
        self.fg(self.pick(Color::Yellow, Color::Blue))
            .add_modifier(Modifier::BOLD)
    }

    /// Bars and sparklines.
    #[must_use]
    pub fn chart(self) -> Style {
        self.fg(self.pick(Color::Cyan, Color::Blue))
    }

    /// A status name, coloured by where it is in the lifecycle.
    #[must_use]
    pub fn status(self, status: crate::service::Status) -> Style {
        use crate::service::Status;
        match status {
            Status::Pending => self.fg(self.pick(Color::Yellow, Color::Magenta)),
            Status::Confirmed => self.fg(Color::Blue),
            Status::Shipped => self.fg(self.pick(Color::Magenta, Color::Cyan)),
            Status::Delivered => self.fg(Color::Green),
            Status::Cancelled => self.fg(Color::Red),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::Status;

    #[test]
    fn a_theme_given_is_remembered_and_a_bad_file_falls_back_to_dark() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config").join("theme");
        assert_eq!(Palette::chosen(None, Some(&file)), Palette::Dark);
        assert_eq!(
            Palette::chosen(Some(Palette::HighContrast), Some(&file)),
            Palette::HighContrast
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "high-contrast\n");
        assert_eq!(Palette::chosen(None, Some(&file)), Palette::HighContrast);
        assert_eq!(
            Palette::chosen(Some(Palette::Light), Some(&file)),
            Palette::Light
        );
        assert_eq!(Palette::chosen(None, Some(&file)), Palette::Light);
        std::fs::write(&file, "purple\n").unwrap();
        assert_eq!(Palette::chosen(None, Some(&file)), Palette::Dark);
    }

    #[test]
    fn high_contrast_has_no_colour_and_no_dim_text() {
        let t = Theme {
            color: false,
            palette: Palette::HighContrast,
        };
        let every = [
            t.header(),
            t.tab_active(),
            t.dim(),
            t.key(),
            t.error(),
            t.ok(),
            t.low(),
            t.focus(),
            t.chart(),
            t.selected(),
            t.status(Status::Pending),
        ];
        for style in every {
            assert_eq!(style.fg, None, "{style:?}");
            assert!(!style.add_modifier.contains(Modifier::DIM), "{style:?}");
        }
        assert!(t.tab_active().add_modifier.contains(Modifier::REVERSED));
        assert!(t.error().add_modifier.contains(Modifier::REVERSED));
        // With NO_COLOR unset or set, high contrast never colours.
        assert!(!Theme::with_palette(Palette::HighContrast).color);
    }

    #[test]
    fn light_avoids_yellow_and_dark_grey_which_vanish_on_white() {
        let t = Theme {
            color: true,
            palette: Palette::Light,
        };
        for style in [
            t.header(),
            t.tab_active(),
            t.key(),
            t.focus(),
            t.dim(),
            t.chart(),
        ] {
            assert!(
                !matches!(
                    style.fg,
                    Some(Color::Yellow | Color::LightYellow | Color::DarkGray)
                ),
                "{style:?}"
            );
        }
        assert_eq!(t.status(Status::Pending).fg, Some(Color::Magenta));
    }
}
