//! The admin CLI at a terminal, as a person runs it: `script` gives it a pseudo-terminal, and each
//! answer is typed only once its prompt is on the screen, so the screen shows what was echoed.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use integration_tests::{RuntimeProcess, release_dir};

/// Runs `admin user add NAME --role ROLE` at a terminal, answering its two prompts with `typed`;
/// returns (success, everything the terminal showed).
pub fn admin_add_at_terminal(app: &RuntimeProcess, name: &str, role: &str, typed: [&str; 2]) -> (bool, String) {
    let command = format!("'{}' user add {name} --role {role} --state-dir '{}'", release_dir().join("admin").display(), app.state_dir.display());
    let mut child = Command::new("script")
        .args(["--quiet", "--return", "--command", &command, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("script (util-linux) runs the CLI in a pseudo-terminal");
    let screen = Arc::new(Mutex::new(String::new()));
    let reader = {
        let screen = screen.clone();
        let mut stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 256];
            while let Ok(read @ 1..) = stdout.read(&mut buffer) {
                screen.lock().unwrap().push_str(&String::from_utf8_lossy(&buffer[..read]));
            }
        })
    };
    let mut stdin = child.stdin.take().unwrap();
    for (prompt, answer) in [("Password (at least 8 characters): ", typed[0]), ("The same password again: ", typed[1])] {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !screen.lock().unwrap().contains(prompt) {
            assert!(Instant::now() < deadline, "no prompt {prompt:?}; the terminal shows {:?}", screen.lock().unwrap());
            std::thread::sleep(Duration::from_millis(20));
        }
        // The prompt is written just before echo is switched off: give the CLI that moment, with
        // room for a loaded machine (typing earlier would show the answer, as a person's would).
        std::thread::sleep(Duration::from_secs(1));
        stdin.write_all(format!("{answer}\n").as_bytes()).unwrap();
    }
    let status = child.wait().unwrap();
    reader.join().unwrap();
    let shown = screen.lock().unwrap().clone();
    (status.success(), shown)
}
