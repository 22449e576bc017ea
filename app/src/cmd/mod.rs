//! One module per subcommand; each calls core and prints.

pub mod audit;
pub mod bench;
pub mod check;
pub mod derive;
pub mod import;
pub mod import_layer;
pub mod info;
pub mod render;
pub mod view;

/// Who is acting, for the audit log: the given author, else $USER, else $LOGNAME, else
/// "unknown".
pub fn author(given: Option<String>) -> String {
    given
        .filter(|s| !s.trim().is_empty())
        .or_else(|| ["USER", "LOGNAME"].iter().find_map(|k| std::env::var(k).ok().filter(|s| !s.is_empty())))
        .unwrap_or_else(|| "unknown".into())
}

/// Now, ISO 8601 with the local offset (audit timestamps; rules never read the clock).
pub fn now() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// Print warnings to stderr.
pub fn print_warnings(ws: &[minehaz_core::Problem]) {
    for w in ws {
        eprintln!("{w}");
    }
}

/// Mesa's window-system code complains on stderr when XDG_RUNTIME_DIR is unset (headless
/// machines, Xvfb, CI): point it at a private folder. Called before any thread is started.
pub fn quiet_mesa() {
    if std::env::var_os("XDG_RUNTIME_DIR").is_none() {
        let dir = std::env::temp_dir().join(format!("minehaz-xdg-{}", std::process::id()));
        if std::fs::create_dir_all(&dir).is_ok() {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700));
            }
            std::env::set_var("XDG_RUNTIME_DIR", &dir);
        }
    }
}
