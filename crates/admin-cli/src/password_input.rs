//! Reading a new password. Passwords never come from arguments, which other users of the machine
//! could read in the process list: at a terminal they are typed twice without echo, otherwise
//! (scripts, tests) they are one line of stdin with the trailing newline stripped.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, Result, bail};

/// The new password, within the length limits of `crates/passwords`.
pub fn read_password() -> Result<String> {
    let password = if std::io::stdin().is_terminal() { prompt_twice()? } else { read_line()? };
    passwords::check_new(&password).map_err(anyhow::Error::msg)?;
    Ok(password)
}

fn prompt_twice() -> Result<String> {
    let prompt = format!("Password (at least {} characters): ", passwords::MIN_PASSWORD_CHARS);
    let password = rpassword::prompt_password(prompt).context("cannot read the password from the terminal")?;
    let again = rpassword::prompt_password("The same password again: ").context("cannot read the password from the terminal")?;
    if password != again {
        bail!("the two passwords differ; nothing was changed");
    }
    Ok(password)
}

fn read_line() -> Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("cannot read the password from stdin")?;
    let password = line.strip_suffix('\n').map(|rest| rest.strip_suffix('\r').unwrap_or(rest)).unwrap_or(&line);
    Ok(password.to_string())
}
