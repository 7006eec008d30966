//! What a user may do. Kept here, outside the Spin-only `accounts` crate, because the native
//! `admin` command writes the same `users.role` spellings the components read.

/// A user's role: admins also teach the AI and run maintenance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Admin,
    User,
}

impl Role {
    /// The stored spelling (`users.role`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::User => "user",
        }
    }

    /// The role stored as `text`, if it is one.
    pub fn parse(text: &str) -> Option<Role> {
        [Role::Admin, Role::User].into_iter().find(|role| role.as_str() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_reads_back_its_stored_spelling_only() {
        for role in [Role::Admin, Role::User] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("Admin"), None);
        assert_eq!(Role::parse(""), None);
    }
}
