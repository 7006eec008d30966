//! Password hashing with argon2id, in one place so that the hashes the admin CLI writes (native)
//! are exactly the ones the `auth` component verifies (wasm32-wasip2).
//!
//! Parameters: OWASP's minimum for argon2id (19 MiB, 2 passes, 1 lane). They are written into
//! every PHC string, so raising them later only affects new hashes; verification reads each
//! hash's own parameters. They keep one verification well under a second inside WASM.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// Memory cost in KiB.
const MEMORY_KIB: u32 = 19 * 1024;
const PASSES: u32 = 2;
const LANES: u32 = 1;

/// Shortest password accepted (`scripts/admin user add`, a user's own change).
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest password accepted anywhere (bounds the hashing work an attacker can ask for).
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// A hash of a random password nobody knows: verified against when the user does not exist, so
/// that a login for an unknown name costs the same time as one for a known name.
pub const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$ZHVtbXlzYWx0ZHVtbXlzYWx0$2XGjXcQ6u8w+a6zQeUPMlUMn2D8rW3h5f3sJ2QMkTkc";

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A PHC string (`$argon2id$v=19$m=…`) for `password` with a fresh random salt.
pub fn hash(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| format!("no randomness for the salt: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| e.to_string())
}

/// Why `password` cannot become a password, if it cannot: the limits shared by the admin CLI and
/// a user's own change of password.
pub fn check_new(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!("the password must have at least {MIN_PASSWORD_CHARS} characters"));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(format!("the password must have at most {MAX_PASSWORD_BYTES} bytes"));
    }
    Ok(())
}

/// Whether `password` matches the PHC string `stored` (false for a malformed `stored`).
pub fn verify(password: &str, stored: &str) -> bool {
    if password.len() > MAX_PASSWORD_BYTES {
        return false;
    }
    PasswordHash::new(stored).is_ok_and(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored = hash("correct horse").unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("correct horse", &stored));
        assert!(!verify("correct horsE", &stored));
    }

    #[test]
    fn salts_differ() {
        assert_ne!(hash("same").unwrap(), hash("same").unwrap());
    }

    #[test]
    fn the_dummy_hash_parses_and_matches_nothing_common() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify("password", DUMMY_HASH));
        assert!(!verify("", DUMMY_HASH));
    }

    #[test]
    fn malformed_hashes_and_huge_passwords_fail() {
        assert!(!verify("x", "not a hash"));
        let stored = hash("short").unwrap();
        assert!(!verify(&"x".repeat(MAX_PASSWORD_BYTES + 1), &stored));
    }

    #[test]
    fn new_passwords_are_8_characters_to_1024_bytes() {
        assert!(check_new("seven77").unwrap_err().contains("at least 8 characters"));
        assert_eq!(check_new("ééééééée"), Ok(()), "characters, not bytes");
        assert_eq!(check_new(&"x".repeat(MAX_PASSWORD_BYTES)), Ok(()));
        assert!(check_new(&"x".repeat(MAX_PASSWORD_BYTES + 1)).unwrap_err().contains("at most 1024 bytes"));
    }
}
