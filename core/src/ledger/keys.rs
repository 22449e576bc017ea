//! Keys of the people who sign the ledger (LEDGER.md "People and keys").
//!
//! A key file holds one person's key pair as JSON: `format`, `algorithm`, `name`, `role`,
//! `public_key` and `secret_key` (hex). It is written with mode 0600. With a passphrase the
//! secret is kept sealed instead (`sealed_secret`: Argon2id over the passphrase with a random
//! salt gives the key of a ChaCha20-Poly1305 box; a wrong passphrase fails its tag). Ed25519 is the algorithm
//! implemented; the [`Signer`] trait and the `algorithm` recorded with every registered key
//! leave room for SM2 (GB/T 32918) beside it.

use crate::error::{Location, Result};
use crate::text;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use std::path::Path;

pub const FORMAT: &str = "minehaz-key/1";
pub const ED25519: &str = "ed25519";
/// The roles LEDGER.md names.
pub const ROLES: [&str; 4] = ["inspector", "engineer", "principal", "regulator"];

/// Something that signs with a person's secret key.
pub trait Signer {
    /// `ed25519` (later also `sm2`).
    fn algorithm(&self) -> &'static str;
    /// The public key, hex.
    fn public_key(&self) -> String;
    /// The signature of `msg`, hex.
    fn sign(&self, msg: &[u8]) -> String;
}

/// A person's key as read from a key file.
#[derive(Debug, Clone)]
pub struct KeyFile {
    pub name: String,
    pub role: String,
    signer: Ed25519,
}

#[derive(Clone)]
struct Ed25519(SigningKey);

impl std::fmt::Debug for Ed25519 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Ed25519({})", hex(self.0.verifying_key().as_bytes()))
    }
}

impl Signer for Ed25519 {
    fn algorithm(&self) -> &'static str {
        ED25519
    }
    fn public_key(&self) -> String {
        hex(self.0.verifying_key().as_bytes())
    }
    fn sign(&self, msg: &[u8]) -> String {
        hex(&self.0.sign(msg).to_bytes())
    }
}

pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Lowercase hex only (one spelling per value: a re-encoded key or signature is refused).
pub fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}

/// Does `signature` (hex) verify `msg` under `public_key` (hex) with `algorithm`?
pub fn verify(algorithm: &str, public_key: &str, msg: &[u8], signature: &str) -> bool {
    if algorithm != ED25519 {
        return false;
    }
    let (Some(pk), Some(sig)) = (unhex(public_key), unhex(signature)) else { return false };
    let (Ok(pk), Ok(sig)) = (<[u8; 32]>::try_from(pk.as_slice()), <[u8; 64]>::try_from(sig.as_slice())) else {
        return false;
    };
    let Ok(vk) = VerifyingKey::from_bytes(&pk) else { return false };
    !vk.is_weak() && vk.verify_strict(msg, &Signature::from_bytes(&sig)).is_ok()
}

/// One signature to check.
#[derive(Debug, Clone)]
pub struct Check<'a> {
    pub algorithm: &'a str,
    pub public_key: &'a str,
    pub msg: Vec<u8>,
    pub signature: &'a str,
}

/// Check many signatures: Ed25519 batch verification over chunks in parallel (about twice
/// the speed of one by one); a chunk that fails is checked one by one to find the bad ones.
pub fn verify_all(checks: &[Check<'_>]) -> Vec<bool> {
    use rayon::prelude::*;
    checks
        .par_chunks(1024)
        .flat_map_iter(|chunk| {
            let mut cache: std::collections::HashMap<&str, Option<VerifyingKey>> = Default::default();
            let parsed: Vec<Option<(VerifyingKey, Signature)>> = chunk
                .iter()
                .map(|c| {
                    if c.algorithm != ED25519 {
                        return None;
                    }
                    let vk = *cache.entry(c.public_key).or_insert_with(|| {
                        let pk = unhex(c.public_key)?;
                        // A weak (small-order) key "verifies" forged signatures: never accepted.
                        VerifyingKey::from_bytes(&<[u8; 32]>::try_from(pk.as_slice()).ok()?)
                            .ok()
                            .filter(|k| !k.is_weak())
                    });
                    let sig = unhex(c.signature)?;
                    Some((vk?, Signature::from_bytes(&<[u8; 64]>::try_from(sig.as_slice()).ok()?)))
                })
                .collect();
            let ok: Vec<usize> = (0..chunk.len()).filter(|&i| parsed[i].is_some()).collect();
            let msgs: Vec<&[u8]> = ok.iter().map(|&i| chunk[i].msg.as_slice()).collect();
            let sigs: Vec<Signature> = ok.iter().filter_map(|&i| parsed[i].map(|p| p.1)).collect();
            let vks: Vec<VerifyingKey> = ok.iter().filter_map(|&i| parsed[i].map(|p| p.0)).collect();
            let all = !ok.is_empty() && ed25519_dalek::verify_batch(&msgs, &sigs, &vks).is_ok();
            (0..chunk.len())
                .map(|i| match parsed[i] {
                    None => false,
                    Some(_) if all => true,
                    Some((vk, sig)) => vk.verify_strict(&chunk[i].msg, &sig).is_ok(),
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

impl KeyFile {
    /// A new key pair from the OS random source.
    pub fn generate(name: &str, role: &str) -> Result<Self> {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret)
            .map_err(|e| crate::Error::Internal(format!("cannot read the system random source: {e}")))?;
        Ok(Self { name: name.into(), role: role.into(), signer: Ed25519(SigningKey::from_bytes(&secret)) })
    }

    pub fn signer(&self) -> &dyn Signer {
        &self.signer
    }

    /// The key file's JSON; with a passphrase, the secret sealed by it.
    pub fn to_json(&self, passphrase: Option<&str>) -> Result<String> {
        let mut v = serde_json::json!({
            "format": FORMAT,
            "algorithm": self.signer.algorithm(),
            "name": self.name,
            "role": self.role,
            "public_key": self.signer.public_key(),
        });
        match passphrase {
            None => v["secret_key"] = hex(self.signer.0.as_bytes()).into(),
            Some(p) => v["sealed_secret"] = seal(self.signer.0.as_bytes(), p)?,
        }
        Ok(serde_json::to_string_pretty(&v).unwrap_or_default() + "\n")
    }

    /// Write the key file, readable by its owner only (0600); an existing file is not replaced.
    pub fn write(&self, path: &Path) -> Result<()> {
        self.write_protected(path, None)
    }

    /// [`KeyFile::write`], the secret sealed by `passphrase` when given.
    pub fn write_protected(&self, path: &Path, passphrase: Option<&str>) -> Result<()> {
        let text = self.to_json(passphrase)?;
        use std::io::Write;
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(0o600);
        }
        let at = Location::file(path);
        let mut f = o.open(path).map_err(|e| {
            crate::Error::at(
                at.clone(),
                text!("无法创建密钥文件（已存在？）: {}", "cannot create the key file (exists?): {}", e),
            )
        })?;
        f.write_all(text.as_bytes())
            .and_then(|_| f.sync_all())
            .map_err(|e| crate::Error::at(at, text!("写入密钥文件失败: {}", "writing the key file failed: {}", e)))
    }

    /// Does the key file at `path` need a passphrase?
    pub fn needs_passphrase(path: &Path) -> bool {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
            .is_some_and(|v| v.get("sealed_secret").is_some())
    }

    /// Read a key file (without a passphrase); it must hold a secret key that matches its
    /// public key.
    pub fn read(path: &Path) -> Result<Self> {
        Self::read_with(path, None)
    }

    /// Read a key file, unsealing its secret with `passphrase` when it is protected.
    pub fn read_with(path: &Path, passphrase: Option<&str>) -> Result<Self> {
        let at = Location::file(path);
        let s = std::fs::read_to_string(path).map_err(|e| {
            crate::Error::at(at.clone(), text!("无法读取密钥文件: {}", "cannot read the key file: {}", e))
        })?;
        let v: serde_json::Value = serde_json::from_str(&s).map_err(|e| {
            crate::Error::at(at.clone(), text!("不是 minehaz 密钥文件: {}", "not a minehaz key file: {}", e))
        })?;
        let field = |k: &str| -> Result<String> {
            v.get(k).and_then(|x| x.as_str()).map(str::to_string).filter(|x| !x.is_empty()).ok_or_else(|| {
                crate::Error::at(at.clone().field(k), text!("密钥文件缺少该项", "the key file lacks this entry"))
            })
        };
        if field("format")? != FORMAT {
            return Err(crate::Error::at(
                at.field("format"),
                text!("不支持的密钥文件格式（应为 {}）", "unsupported key file format (expected {})", FORMAT),
            ));
        }
        let alg = field("algorithm")?;
        if alg != ED25519 {
            return Err(crate::Error::at(
                at.field("algorithm"),
                text!(
                    "不支持的签名算法 \"{}\"（支持 ed25519）",
                    "unsupported signature algorithm \"{}\" (ed25519 is)",
                    alg
                ),
            ));
        }
        let secret_bytes = match v.get("sealed_secret") {
            Some(sealed) => {
                let Some(p) = passphrase else {
                    return Err(crate::Error::at(
                        at.field("passphrase"),
                        text!(
                            "密钥受口令保护：请输入口令或设置 MINEHAZ_KEY_PASSPHRASE",
                            "the key is protected by a passphrase: enter it or set MINEHAZ_KEY_PASSPHRASE"
                        ),
                    ));
                };
                unseal(sealed, p).ok_or_else(|| {
                    crate::Error::at(
                        at.clone().field("passphrase"),
                        text!("口令错误（或密钥文件被修改）", "wrong passphrase (or the key file was altered)"),
                    )
                })?
            }
            None => unhex(&field("secret_key")?).unwrap_or_default(),
        };
        let secret = <[u8; 32]>::try_from(secret_bytes.as_slice())
            .map_err(|_| crate::Error::at(at.clone().field("secret_key"), text!("私钥无效", "invalid secret key")))?;
        let key = Self { name: field("name")?, role: field("role")?, signer: Ed25519(SigningKey::from_bytes(&secret)) };
        if key.signer.public_key() != field("public_key")? {
            return Err(crate::Error::at(
                at.field("public_key"),
                text!(
                    "公钥与私钥不匹配（密钥文件被修改）",
                    "the public key does not match the secret key (file edited)"
                ),
            ));
        }
        Ok(key)
    }
}

/// Argon2id parameters of a sealed secret (OWASP's minimum: 19 MiB, 2 passes, 1 lane).
const ARGON_M_KIB: u32 = 19 * 1024;
const ARGON_T: u32 = 2;

fn box_key(passphrase: &str, salt: &[u8], m_kib: u32, t: u32) -> Option<[u8; 32]> {
    let params = argon2::Params::new(m_kib, t, 1, Some(32)).ok()?;
    let a = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut key = [0u8; 32];
    a.hash_password_into(passphrase.as_bytes(), salt, &mut key).ok()?;
    Some(key)
}

fn seal(secret: &[u8], passphrase: &str) -> Result<serde_json::Value> {
    use chacha20poly1305::aead::{Aead, KeyInit};
    let mut rnd = [0u8; 28];
    getrandom::fill(&mut rnd)
        .map_err(|e| crate::Error::Internal(format!("cannot read the system random source: {e}")))?;
    let (salt, nonce) = rnd.split_at(16);
    let key = box_key(passphrase, salt, ARGON_M_KIB, ARGON_T).ok_or_else(|| crate::Error::Internal("argon2".into()))?;
    let cipher = chacha20poly1305::ChaCha20Poly1305::new((&key).into());
    let ct = cipher.encrypt(nonce.into(), secret).map_err(|_| crate::Error::Internal("seal".into()))?;
    Ok(serde_json::json!({
        "kdf": "argon2id", "m_kib": ARGON_M_KIB, "t": ARGON_T, "p": 1,
        "salt": hex(salt), "cipher": "chacha20poly1305", "nonce": hex(nonce), "ciphertext": hex(&ct),
    }))
}

fn unseal(v: &serde_json::Value, passphrase: &str) -> Option<Vec<u8>> {
    use chacha20poly1305::aead::{Aead, KeyInit};
    let s = |k: &str| v.get(k).and_then(|x| x.as_str());
    if s("kdf")? != "argon2id" || s("cipher")? != "chacha20poly1305" {
        return None;
    }
    let (salt, nonce, ct) = (unhex(s("salt")?)?, unhex(s("nonce")?)?, unhex(s("ciphertext")?)?);
    let n = |k: &str| v.get(k).and_then(|x| x.as_u64()).and_then(|x| u32::try_from(x).ok());
    // Bounded: a crafted key file must not make the reader allocate without limit.
    let (m, t) = (n("m_kib")?, n("t")?);
    if m > 1024 * 1024 || t > 64 {
        return None;
    }
    let key = box_key(passphrase, &salt, m, t)?;
    let nonce: [u8; 12] = nonce.try_into().ok()?;
    chacha20poly1305::ChaCha20Poly1305::new((&key).into()).decrypt((&nonce).into(), ct.as_slice()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_for_its_message_and_key() {
        let a = KeyFile::generate("张三", "inspector").expect("key");
        let b = KeyFile::generate("李四", "engineer").expect("key");
        let sig = a.signer().sign(b"hash");
        assert!(verify(ED25519, &a.signer().public_key(), b"hash", &sig));
        assert!(!verify(ED25519, &a.signer().public_key(), b"hasH", &sig));
        assert!(!verify(ED25519, &b.signer().public_key(), b"hash", &sig));
        assert!(!verify("sm2", &a.signer().public_key(), b"hash", &sig));
        assert!(!verify(ED25519, "zz", b"hash", &sig));
    }

    #[test]
    fn many_signatures_are_checked_together_and_a_bad_one_is_found() {
        let a = KeyFile::generate("张三", "inspector").expect("key");
        let pk = a.signer().public_key();
        let msgs: Vec<Vec<u8>> = (0..600u32).map(|i| i.to_le_bytes().to_vec()).collect();
        let mut sigs: Vec<String> = msgs.iter().map(|m| a.signer().sign(m)).collect();
        sigs[300] = a.signer().sign(b"other");
        let checks: Vec<Check<'_>> = msgs
            .iter()
            .zip(&sigs)
            .map(|(m, s)| Check { algorithm: ED25519, public_key: &pk, msg: m.clone(), signature: s })
            .collect();
        let ok = verify_all(&checks);
        assert_eq!(ok.len(), 600);
        assert_eq!(ok.iter().filter(|x| !**x).count(), 1);
        assert!(!ok[300]);
    }

    #[test]
    fn a_passphrase_seals_the_secret_and_a_wrong_one_is_refused() {
        let dir = tempfile::tempdir().expect("dir");
        let p = dir.path().join("k.key");
        let a = KeyFile::generate("张三", "inspector").expect("key");
        a.write_protected(&p, Some("矿山安全 2026")).expect("write");
        let text = std::fs::read_to_string(&p).expect("read");
        assert!(!text.contains("secret_key") && text.contains("sealed_secret"), "{text}");
        assert!(KeyFile::needs_passphrase(&p));
        let e = KeyFile::read(&p).expect_err("needs the passphrase");
        assert!(e.to_string().contains("passphrase"), "{e}");
        let e = KeyFile::read_with(&p, Some("wrong")).expect_err("wrong passphrase");
        assert!(e.problems()[0].text.en.contains("wrong passphrase"), "{e}");
        let b = KeyFile::read_with(&p, Some("矿山安全 2026")).expect("right passphrase");
        assert_eq!(b.signer().public_key(), a.signer().public_key());
        assert_eq!(b.signer().sign(b"x"), a.signer().sign(b"x"));
    }

    #[test]
    fn a_key_file_round_trips_is_private_and_is_not_overwritten() {
        let dir = tempfile::tempdir().expect("dir");
        let p = dir.path().join("k.key");
        let a = KeyFile::generate("张三", "inspector").expect("key");
        a.write(&p).expect("write");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let b = KeyFile::read(&p).expect("read");
        assert_eq!((b.name.as_str(), b.role.as_str()), ("张三", "inspector"));
        assert_eq!(b.signer().public_key(), a.signer().public_key());
        assert!(a.write(&p).is_err(), "an existing key file must not be replaced");
        // A key file whose public key was swapped is refused.
        let other = KeyFile::generate("x", "inspector").expect("key");
        let s =
            std::fs::read_to_string(&p).expect("read").replace(&a.signer().public_key(), &other.signer().public_key());
        let q = dir.path().join("bad.key");
        std::fs::write(&q, s).expect("write");
        let e = KeyFile::read(&q).expect_err("refused");
        assert!(e.to_string().contains("public_key"), "{e}");
    }
}
