//! Advisor notes are sealed at rest with XChaCha20-Poly1305 (RustCrypto's `chacha20poly1305`):
//! a random 192-bit nonce per note, the note's identity (id, engagement, author) as associated
//! data so a ciphertext cannot be moved to another row, and the id of the key beside each
//! ciphertext. Keys come from configuration (`advising.note_keys`, `"<key id>:<base64 of 32
//! bytes>"`, the first one seals, every one opens), so an old key stays readable until
//! `learnwell rotate-keys` has re-sealed its notes under the first.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};

/// The configured note keys; `Debug` never shows key material.
#[derive(Clone, Default, serde::Deserialize)]
#[serde(try_from = "Vec<String>")]
pub struct NoteKeys(Vec<(String, Key)>);

impl std::fmt::Debug for NoteKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.0.iter().map(|(id, _)| id.as_str()).collect();
        write!(f, "NoteKeys({ids:?}, [redacted])")
    }
}

const NONCE: usize = 24;

impl TryFrom<Vec<String>> for NoteKeys {
    type Error = String;
    fn try_from(entries: Vec<String>) -> Result<Self, String> {
        let mut keys: Vec<(String, Key)> = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            let bad = |why: &str| {
                format!("advising.note_keys[{i}]: {why} (expected \"<key id>:<base64 of 32 random bytes>\")")
            };
            let (id, material) = entry
                .trim()
                .split_once(':')
                .ok_or_else(|| bad("no key id"))?;
            let valid_id = !id.is_empty()
                && id.len() <= 64
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
            if !valid_id {
                return Err(bad(
                    "the key id must be 1-64 letters, digits, '-', '_' or '.'",
                ));
            }
            let bytes = STANDARD
                .decode(material.trim())
                .map_err(|_| bad("not base64"))?;
            if bytes.len() != 32 {
                return Err(bad("a key is exactly 32 bytes"));
            }
            if keys.iter().any(|(k, _)| k == id) {
                return Err(bad("this key id is given twice"));
            }
            keys.push((id.to_owned(), *Key::from_slice(&bytes)));
        }
        Ok(Self(keys))
    }
}

/// Why a note could not be sealed or opened.
#[derive(Debug, thiserror::Error)]
pub enum CipherError {
    #[error("no advisor-note key is configured (advising.note_keys)")]
    NoKey,
    #[error("the note was sealed with key {0}, which is not configured")]
    UnknownKey(String),
    #[error("the note's ciphertext does not open with key {0}")]
    Corrupt(String),
}

impl NoteKeys {
    /// A fresh random key under `id` (for a demo run without configured keys).
    pub fn generate(id: &str) -> Self {
        Self(vec![(
            id.to_owned(),
            XChaCha20Poly1305::generate_key(&mut OsRng),
        )])
    }

    /// The id of the key that seals new notes.
    pub fn active_id(&self) -> Option<&str> {
        self.0.first().map(|(id, _)| id.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Seal `plaintext` bound to `context`: (key id, base64 of nonce and ciphertext).
    pub fn seal(&self, plaintext: &str, context: &str) -> Result<(String, String), CipherError> {
        let (id, key) = self.0.first().ok_or(CipherError::NoKey)?;
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = XChaCha20Poly1305::new(key)
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| CipherError::Corrupt(id.clone()))?;
        let mut out = nonce.to_vec();
        out.extend(sealed);
        Ok((id.clone(), STANDARD.encode(out)))
    }

    /// Open what [`seal`](Self::seal) made with key `key_id` for the same `context`.
    pub fn open(&self, key_id: &str, sealed: &str, context: &str) -> Result<String, CipherError> {
        let (_, key) = self
            .0
            .iter()
            .find(|(id, _)| id == key_id)
            .ok_or_else(|| CipherError::UnknownKey(key_id.to_owned()))?;
        let corrupt = || CipherError::Corrupt(key_id.to_owned());
        let bytes = STANDARD.decode(sealed).map_err(|_| corrupt())?;
        if bytes.len() < NONCE {
            return Err(corrupt());
        }
        let (nonce, body) = bytes.split_at(NONCE);
        let plain = XChaCha20Poly1305::new(key)
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| corrupt())?;
        String::from_utf8(plain).map_err(|_| corrupt())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(entries: &[&str]) -> NoteKeys {
        NoteKeys::try_from(entries.iter().map(|e| (*e).to_owned()).collect::<Vec<_>>())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    const K1: &str = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    const K2: &str = "k2:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";

    #[test]
    fn a_sealed_note_opens_only_with_its_key_and_its_context() {
        let one = keys(&[K1]);
        let (id, sealed) = one
            .seal("remember the deadline", "note:1")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(id, "k1");
        assert!(!sealed.contains("deadline"));
        assert_eq!(
            one.open("k1", &sealed, "note:1").ok().as_deref(),
            Some("remember the deadline")
        );
        assert!(matches!(
            one.open("k1", &sealed, "note:2"),
            Err(CipherError::Corrupt(_))
        ));
        assert!(matches!(
            one.open("k9", &sealed, "note:1"),
            Err(CipherError::UnknownKey(_))
        ));
        let rotated = keys(&[K2, K1]);
        assert_eq!(rotated.active_id(), Some("k2"));
        assert!(rotated.open("k1", &sealed, "note:1").is_ok());
    }

    #[test]
    fn bad_keys_are_refused_with_their_position_and_never_printed() {
        for bad in [
            "nokey",
            "k1:short",
            "k 1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        ] {
            let err = NoteKeys::try_from(vec![bad.to_owned()])
                .err()
                .unwrap_or_default();
            assert!(err.contains("advising.note_keys[0]"), "{err}");
        }
        assert!(NoteKeys::try_from(vec![K1.to_owned(), K1.to_owned()]).is_err());
        assert!(!format!("{:?}", keys(&[K1])).contains("AAEC"));
    }
}
