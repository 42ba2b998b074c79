//! The demo's development keys (the JWT signing secret and an advisor-note key), kept in a file
//! beside the SQLite database so that tokens and sealed notes keep working across restarts of
//! the demo, and so that `learnwell token` mints tokens the demo accepts. Development only: a
//! configured `auth.secret` or `advising.note_keys` always wins.

use crate::config::{JwtAlgorithm, Settings};
use crate::services::advising::NoteKeys;
use base64::Engine;
use rand::distributions::{Alphanumeric, DistString};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use std::path::{Path, PathBuf};

/// Where the demo's keys are kept: beside the SQLite database file, or in the working directory
/// for another database (or an in-memory one).
pub fn path(settings: &Settings) -> PathBuf {
    let url = settings.database.url.expose_secret();
    let file = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or_default())
        .filter(|f| !f.is_empty() && !f.starts_with(':'));
    match file {
        Some(f) => PathBuf::from(format!("{f}.demo-keys")),
        None => PathBuf::from("learnwell.demo-keys"),
    }
}

/// The keys of a demo.
pub struct DemoKeys {
    jwt_secret: String,
    note_key: String,
}

impl DemoKeys {
    fn generate() -> Self {
        let mut material = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut material);
        Self {
            jwt_secret: Alphanumeric.sample_string(&mut rand::thread_rng(), 48),
            note_key: format!(
                "demo:{}",
                base64::engine::general_purpose::STANDARD.encode(material)
            ),
        }
    }

    fn parse(text: &str) -> Option<Self> {
        let value = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
                .map(|v| v.trim().to_owned())
        };
        Some(Self {
            jwt_secret: value("jwt_secret").filter(|s| s.len() >= 32)?,
            note_key: value("note_key")?,
        })
    }

    fn render(&self) -> String {
        format!(
            "# Learnwell demo keys (development only; delete this file to make new ones:\n\
             # tokens minted before then stop working, sealed demo notes cannot be read).\n\
             jwt_secret={}\nnote_key={}\n",
            self.jwt_secret, self.note_key
        )
    }

    /// The keys in `path`, if it holds them.
    pub fn read(path: &Path) -> std::io::Result<Option<Self>> {
        match std::fs::read_to_string(path) {
            Ok(text) => Ok(Self::parse(&text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The keys in `path`, or new ones written there (readable by the owner only). True when
    /// they were made now.
    pub fn read_or_create(path: &Path) -> std::io::Result<(Self, bool)> {
        if let Some(keys) = Self::read(path)? {
            return Ok((keys, false));
        }
        let keys = Self::generate();
        write_private(path, &keys.render())?;
        Ok((keys, true))
    }

    /// Use these keys where the configuration has none (an HS256 secret shorter than 32 bytes,
    /// no note keys). Returns what it set, for the message.
    pub fn fill(&self, settings: &mut Settings) -> Result<Vec<&'static str>, String> {
        let mut used = Vec::new();
        if settings.auth.algorithm == JwtAlgorithm::HS256
            && settings.auth.secret.expose_secret().len() < 32
        {
            settings.auth.secret = SecretString::from(self.jwt_secret.clone());
            used.push("auth.secret");
        }
        if settings.advising.note_keys.is_empty() {
            settings.advising.note_keys = NoteKeys::try_from(vec![self.note_key.clone()])?;
            used.push("advising.note_keys");
        }
        Ok(used)
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_kept_and_read_back() {
        let dir = std::env::temp_dir().join(format!("lw-demo-keys-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("learnwell.db.demo-keys");
        let (made, new) = DemoKeys::read_or_create(&path).expect("made");
        assert!(new);
        let (again, new) = DemoKeys::read_or_create(&path).expect("read");
        assert!(!new);
        assert_eq!(made.jwt_secret, again.jwt_secret);
        assert_eq!(made.note_key, again.note_key);
        assert!(NoteKeys::try_from(vec![again.note_key]).is_ok());
        std::fs::remove_dir_all(dir).expect("clean");
    }
}
