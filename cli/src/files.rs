//! Files the command reads from outside (answers, content packs, CSV) and writes outside
//! the vault (exports, reports). Read: never more than a bound, whatever the file is (a
//! pipe, `/dev/zero`). Written: readable by their owner only, and whole or not at all.

use std::fs::OpenOptions;
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};

use migran_core::{InvalidReason, MigranError};

use crate::i18n::t;
use crate::CliError;

/// The bytes of the file at `path`, refused (`Invalid { field: "file", reason: TooLong }`,
/// exit 5) as soon as it holds more than `max` bytes: a device or a pipe that never ends
/// costs at most `max + 1` bytes of memory and is read no further.
pub fn read_bounded(path: &Path, max: u64) -> Result<Vec<u8>, CliError> {
    let too_large = || {
        CliError::Core(MigranError::Invalid {
            field: "file".to_string(),
            reason: InvalidReason::TooLong,
        })
    };
    let cannot_read = || {
        CliError::Failed(t(
            format!("berkas {} tidak dapat dibaca", path.display()),
            format!("cannot read {}", path.display()),
        ))
    };
    let file = std::fs::File::open(path).map_err(|_| cannot_read())?;
    let metadata = file.metadata().map_err(|_| cannot_read())?;
    if metadata.is_dir() {
        return Err(cannot_read());
    }
    if metadata.is_file() && metadata.len() > max {
        return Err(too_large());
    }
    let capacity = if metadata.is_file() {
        metadata.len() as usize
    } else {
        0
    };
    let mut bytes = Vec::with_capacity(capacity);
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|_| cannot_read())?;
    if bytes.len() as u64 > max {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Why a file was not written.
#[derive(Debug, PartialEq, Eq)]
pub enum WriteError {
    /// The file exists and was not to be replaced.
    Exists,
    /// Creating, writing or moving the file failed.
    Failed,
}

/// Writes `bytes` to `path`, owner-only (mode 0600), atomically: into a new temporary file
/// in the same folder, created exclusively (`O_EXCL`, so that nothing else, not even a
/// link planted under its name, can have opened it first), synced, then moved to `path`.
/// Without `overwrite` an existing `path` is left alone and refused, also when it
/// appears while the file is being written.
pub fn write_private(path: &Path, bytes: &[u8], overwrite: bool) -> Result<(), WriteError> {
    let name = path.file_name().ok_or(WriteError::Failed)?;
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !overwrite && path.symlink_metadata().is_ok() {
        return Err(WriteError::Exists);
    }
    let (temporary, mut file) = create_temporary(&folder, name)?;
    let written = file.write_all(bytes).and_then(|_| file.sync_all());
    drop(file);
    let placed = written.and_then(|_| place(&temporary, path, overwrite));
    let _ = std::fs::remove_file(&temporary);
    match placed {
        Ok(()) => {
            sync_folder(&folder);
            Ok(())
        }
        Err(err) if err.kind() == ErrorKind::AlreadyExists => Err(WriteError::Exists),
        Err(_) => Err(WriteError::Failed),
    }
}

/// Writes an export (a person's data, the register, the audit log, a report) or a file
/// for another device (a sync bundle, a join or follow request, a backup) to `path` with
/// [`write_private`]: an existing file (or a link planted under its name) is
/// refused unless `force`, and even then replaced, never written through.
pub fn write_export(path: &Path, bytes: &[u8], force: bool) -> Result<(), CliError> {
    write_private(path, bytes, force).map_err(|err| match err {
        WriteError::Exists => exists(path),
        WriteError::Failed => CliError::Failed(t(
            format!("{} tidak dapat ditulis", path.display()),
            format!("cannot write {}", path.display()),
        )),
    })
}

/// Refuses an export to an existing `path` before any work (or PIN) is asked for, unless
/// `force`; [`write_export`] checks again when the file is put in place.
pub fn refuse_existing(path: &Path, force: bool) -> Result<(), CliError> {
    if !force && path.symlink_metadata().is_ok() {
        return Err(exists(path));
    }
    Ok(())
}

fn exists(path: &Path) -> CliError {
    CliError::Failed(t(
        format!("{} sudah ada; tambahkan --force untuk menimpanya", path.display()),
        format!("{} already exists; add --force to replace it", path.display()),
    ))
}

/// A new, empty, owner-only file beside the target, under a name nobody else uses.
fn create_temporary(folder: &Path, name: &std::ffi::OsStr) -> Result<(PathBuf, std::fs::File), WriteError> {
    for _ in 0..32u32 {
        // 64 random bits: another user cannot guess the name to plant a link under it
        // (and `create_new` refuses one if they did).
        let random: String = migran_core::new_device_secret()
            .map_err(|_| WriteError::Failed)?
            .iter()
            .take(8)
            .map(|byte| format!("{byte:02x}"))
            .collect();
        let mut temporary_name = std::ffi::OsString::from(".");
        temporary_name.push(name);
        temporary_name.push(format!(".{random}.tmp"));
        let temporary = folder.join(temporary_name);
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&temporary) {
            Ok(file) => {
                // Windows has no mode to give at creation: the owner-only access list
                // is set before anything is written.
                #[cfg(windows)]
                let _ = migran_core::owner_only::restrict_to_owner(&temporary);
                return Ok((temporary, file));
            }
            Err(err) if err.kind() == ErrorKind::AlreadyExists => continue,
            Err(_) => return Err(WriteError::Failed),
        }
    }
    Err(WriteError::Failed)
}

/// Moves the written file to `path`. Without `overwrite`, a hard link makes the new name
/// appear only if it is still free; where links are not supported (a FAT memory stick),
/// a rename after a last check.
fn place(temporary: &Path, path: &Path, overwrite: bool) -> std::io::Result<()> {
    if overwrite {
        return std::fs::rename(temporary, path);
    }
    match std::fs::hard_link(temporary, path) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == ErrorKind::AlreadyExists => Err(err),
        Err(_) if path.symlink_metadata().is_ok() => Err(ErrorKind::AlreadyExists.into()),
        Err(_) => std::fs::rename(temporary, path),
    }
}

/// Makes the new name durable (best effort: not every system can sync a folder).
fn sync_folder(folder: &Path) {
    #[cfg(unix)]
    if let Ok(handle) = std::fs::File::open(folder) {
        let _ = handle.sync_all();
    }
    #[cfg(not(unix))]
    let _ = folder;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_owner_only_refuses_to_overwrite_unless_asked_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("daftar.csv");
        write_private(&path, b"one", false).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(write_private(&path, b"two", false), Err(WriteError::Exists));
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        write_private(&path, b"two", true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("daftar.csv")]);
        assert_eq!(
            write_private(&dir.path().join("missing/x.csv"), b"x", false),
            Err(WriteError::Failed)
        );
    }
}
