//! `minehaz key new --name N --role R --out FILE [--into STORE]` and
//! `minehaz key register FILE --into STORE`: a person's Ed25519 key pair (the secret stays in
//! the 0600 key file) and its registration in a store's `people` table (LEDGER.md).

use minehaz_core::i18n::tr;
use minehaz_core::io::ledger_store;
use minehaz_core::ledger::{keys, KeyFile, Person};
use minehaz_core::{text, Location};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Role {
    Inspector,
    Engineer,
    Principal,
    Regulator,
}

impl Role {
    fn as_str(self) -> &'static str {
        keys::ROLES[self as usize]
    }
}

#[derive(clap::Subcommand)]
pub enum KeyCmd {
    /// 生成签名密钥（Ed25519，私钥文件权限 0600），可同时登记到工程文件 / Make a signing key (Ed25519; the secret in a 0600 file), optionally registering it in a store
    New {
        /// 姓名 / the person's name
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        role: Role,
        /// 密钥文件（不覆盖已有文件）/ key file to write (never replaced)
        #[arg(long)]
        out: PathBuf,
        /// 登记到该工程文件的 people 表 / register in this store's people table
        #[arg(long)]
        into: Option<PathBuf>,
        /// 登记人（审计记录；默认 $USER）/ who registers (audit log; default $USER)
        #[arg(long)]
        author: Option<String>,
        /// 用口令保护私钥（输入两次，或取自 MINEHAZ_KEY_PASSPHRASE）/ protect the secret with a passphrase (typed twice, or from MINEHAZ_KEY_PASSPHRASE)
        #[arg(long)]
        passphrase: bool,
    },
    /// 把已有密钥的公钥登记到工程文件 / Register an existing key's public key in a store
    Register {
        key: PathBuf,
        #[arg(long)]
        into: PathBuf,
        #[arg(long)]
        author: Option<String>,
    },
}

/// The passphrase: $MINEHAZ_KEY_PASSPHRASE, else typed on the terminal without echo (twice
/// when `confirm`). Without either, an error (exit 2).
pub fn read_passphrase(confirm: bool) -> anyhow::Result<String> {
    if let Some(p) = std::env::var_os("MINEHAZ_KEY_PASSPHRASE").filter(|p| !p.is_empty()) {
        return Ok(p.to_string_lossy().to_string());
    }
    let no = || -> anyhow::Error {
        minehaz_core::Error::at(
            Location::default().field("passphrase"),
            text!(
                "需要口令：请在终端输入，或设置 MINEHAZ_KEY_PASSPHRASE",
                "a passphrase is needed: type it on a terminal or set MINEHAZ_KEY_PASSPHRASE"
            ),
        )
        .into()
    };
    let tty = std::fs::OpenOptions::new().read(true).write(true).open("/dev/tty").map_err(|_| no())?;
    let ask = |prompt: &str| -> anyhow::Result<String> {
        use std::io::{BufRead, Write};
        use std::os::fd::AsRawFd;
        let fd = tty.as_raw_fd();
        // SAFETY: termios of our own terminal, restored before returning.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        if unsafe { libc::tcgetattr(fd, &mut t) } != 0 {
            return Err(no());
        }
        let saved = t;
        t.c_lflag &= !libc::ECHO;
        // SAFETY: as above.
        unsafe { libc::tcsetattr(fd, libc::TCSANOW, &t) };
        let _ = write!(&tty, "{prompt}");
        let mut line = String::new();
        let r = std::io::BufReader::new(&tty).read_line(&mut line);
        // SAFETY: as above.
        unsafe { libc::tcsetattr(fd, libc::TCSANOW, &saved) };
        let _ = writeln!(&tty);
        r?;
        Ok(line.trim_end_matches(['\n', '\r']).to_string())
    };
    let p = ask(tr("口令: ", "passphrase: "))?;
    if p.is_empty() {
        return Err(no());
    }
    if confirm && ask(tr("再输入一次: ", "again: "))? != p {
        anyhow::bail!("{}", tr("两次输入的口令不同", "the passphrases differ"));
    }
    Ok(p)
}

/// Read a key file, asking for its passphrase when it has one.
pub fn read_key(path: &Path) -> anyhow::Result<KeyFile> {
    if KeyFile::needs_passphrase(path) {
        let p = read_passphrase(false)?;
        return Ok(KeyFile::read_with(path, Some(&p))?);
    }
    Ok(KeyFile::read(path)?)
}

fn person(k: &KeyFile, author: Option<String>) -> Person {
    Person {
        name: k.name.clone(),
        role: k.role.clone(),
        algorithm: k.signer().algorithm().into(),
        public_key: k.signer().public_key(),
        registered_at: super::now(),
        registered_by: super::author(author),
    }
}

fn check_name(name: &str) -> Result<(), minehaz_core::Error> {
    if name.trim().is_empty() || name.trim() != name {
        return Err(minehaz_core::Error::at(
            Location::default().field("--name"),
            text!("姓名不能为空，首尾不能有空格", "the name must not be empty or padded with spaces"),
        ));
    }
    Ok(())
}

fn register(store: &Path, k: &KeyFile, author: Option<String>) -> anyhow::Result<()> {
    let e = ledger_store::register(store, &person(k, author))?;
    println!(
        "{} {} ({}) → {} people  [{} #{}]",
        tr("已登记", "registered"),
        k.name,
        k.role,
        store.display(),
        tr("审计", "audit"),
        e.seq
    );
    Ok(())
}

pub fn run(cmd: KeyCmd) -> anyhow::Result<u8> {
    match cmd {
        KeyCmd::New { name, role, out, into, author, passphrase } => {
            check_name(&name)?;
            if out.exists() {
                return Err(minehaz_core::Error::at(
                    Location::file(&out).field("--out"),
                    text!("{} 已存在：密钥文件不会被覆盖", "{} exists: a key file is never replaced", out.display()),
                )
                .into());
            }
            super::output_folder(&out)?;
            if let Some(store) = &into {
                // Refusals before anything is written: the store must be a store, the name free.
                let l = ledger_store::load_path(store)?;
                if l.person(&name).is_some() {
                    return Err(minehaz_core::Error::at(
                        Location::file(store).layer("people").feature(&name).field("name"),
                        text!(
                            "\"{}\" 已登记（一人一把密钥）",
                            "\"{}\" is already registered (one key per person)",
                            name
                        ),
                    )
                    .into());
                }
            }
            let pass = if passphrase { Some(read_passphrase(true)?) } else { None };
            let k = KeyFile::generate(&name, role.as_str())?;
            k.write_protected(&out, pass.as_deref())?;
            println!(
                "{} {} ({}, ed25519) → {}  {} {}",
                tr("已生成密钥", "key made"),
                name,
                role.as_str(),
                out.display(),
                tr("公钥", "public key"),
                k.signer().public_key()
            );
            if let Some(store) = into {
                if let Err(e) = register(&store, &k, author) {
                    // Not registered: no key file left behind either.
                    let _ = std::fs::remove_file(&out);
                    return Err(e);
                }
            }
            Ok(0)
        }
        KeyCmd::Register { key, into, author } => {
            let k = read_key(&key)?;
            register(&into, &k, author)?;
            Ok(0)
        }
    }
}
