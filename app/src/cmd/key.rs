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
        KeyCmd::New { name, role, out, into, author } => {
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
            let k = KeyFile::generate(&name, role.as_str())?;
            k.write(&out)?;
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
            let k = KeyFile::read(&key)?;
            register(&into, &k, author)?;
            Ok(0)
        }
    }
}
