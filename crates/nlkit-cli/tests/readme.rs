//! Every README block marked `sh netns` runs as written, as one bash script
//! (`set -euo pipefail`) inside a throwaway namespace, in a scratch
//! directory, with this build's `nlkit` first on `PATH` and `$NS` set to
//! the namespace's name. Background jobs are stopped when the block ends.

mod common;

use common::Ns;
use std::process::Command;

/// The bodies of the README's code blocks whose info string is `tag`.
fn blocks(tag: &str) -> Vec<String> {
    let readme = include_str!("../../../README.md");
    let (mut out, mut current) = (Vec::new(), None::<String>);
    for line in readme.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) if info.trim() == tag => current = Some(String::new()),
            (Some(body), Some("")) => {
                out.push(std::mem::take(body));
                current = None;
            }
            (Some(body), _) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, _) => {}
        }
    }
    out
}

#[test]
fn the_readme_s_command_blocks_run_as_written() {
    let blocks = blocks("sh netns");
    assert!(blocks.len() >= 3, "the CLI, raw and other-channels blocks: {}", blocks.len());
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_nlkit")).parent().unwrap().to_owned();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    for (i, block) in blocks.iter().enumerate() {
        let ns = Ns::new(&format!("readme{i}"));
        let dir = std::env::temp_dir().join(&ns.0);
        std::fs::create_dir_all(&dir).unwrap();
        let script = format!(
            "set -euo pipefail\n{block}\njobs -p | xargs -r kill 2>/dev/null || true\nwait || true\n"
        );
        let out = Command::new("ip")
            .args(["netns", "exec", &ns.0, "bash", "-c", &script])
            .env("PATH", &path)
            .env("NS", &ns.0)
            .current_dir(&dir)
            .output()
            .unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            out.status.success(),
            "README block {i} failed ({}):\n{block}\nstdout:\n{}\nstderr:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stdout.is_empty(), "block {i} printed nothing:\n{block}");
    }
}
