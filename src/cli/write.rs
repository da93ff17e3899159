//! Writing what the face prints or saves.

use std::io::Write;
use std::path::{Path, PathBuf};

pub(crate) fn stdout(s: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`camguard check | head`) is not an error worth a panic.
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}

/// Write to standard output as `write` produces it (buffered), like [`stdout`].
pub(crate) fn stdout_with(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let _ = write(&mut out);
    let _ = out.flush();
}

fn refuse(why: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::PermissionDenied, why)
}

/// The directory to write `path` into, resolved, or why it is refused: a directory named
/// inside the working directory (the checkout, which a pull request fills) must resolve
/// inside it, so a planted symbolic link cannot send the output elsewhere.
fn output_dir(path: &Path) -> std::io::Result<PathBuf> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let real = std::fs::canonicalize(&dir)?;
    let cwd = std::env::current_dir()?;
    let named = crate::source::normalize(&cwd.join(&dir));
    if named.starts_with(crate::source::normalize(&cwd)) {
        let real_cwd = std::fs::canonicalize(&cwd)?;
        if !real.starts_with(&real_cwd) {
            return Err(refuse(format!(
                "the directory `{}` resolves outside the working directory (a symbolic link?); refusing to write there",
                crate::source::display(&dir)
            )));
        }
    }
    Ok(real)
}

/// Refuse to write through a symbolic link (or onto a directory) at the final path.
fn check_target(target: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(target) {
        Ok(m) if m.file_type().is_symlink() => Err(refuse(format!(
            "`{}` is a symbolic link; refusing to write through it",
            crate::source::display(target)
        ))),
        Ok(m) if m.is_dir() => Err(refuse(format!(
            "`{}` is a directory",
            crate::source::display(target)
        ))),
        _ => Ok(()),
    }
}

/// Write a file so that readers never see it half-written and nothing but the named
/// file changes: a temporary file created exclusively, with an unpredictable name, in
/// the resolved directory (the `tempfile` crate), then renamed over the target (a
/// rename replaces a symbolic link, it never writes through one). A symbolic link at the
/// target, or a directory that resolves out of the working directory, is refused.
pub(crate) fn atomic(path: &Path, content: &str) -> std::io::Result<()> {
    let dir = output_dir(path)?;
    let name = path
        .file_name()
        .ok_or_else(|| refuse("the output path names no file".into()))?;
    let target = dir.join(name);
    check_target(&target)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".camguard-")
        .suffix(".tmp")
        .tempfile_in(&dir)?;
    tmp.write_all(content.as_bytes())?;
    tmp.as_file().sync_all()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Readable like any report (the temporary file is created owner-only).
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    check_target(&target)?;
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}
