//! Files read from a path: a CA certificate file and a SecurID API key file. Where the path
//! was typed (the CLI's `--ca-file` and `--key-file`, `TOKENDESK_SECURID_KEY_FILE`, a
//! hand-edited `profiles.toml`) it could name anything, so a file is read only when it is a
//! regular file no larger than a cap, and every failure — missing, a folder or device,
//! too big, unreadable, not PEM, not a key — answers the same few words naming the field
//! ([`NOT_A_PEM_FILE`], [`NOT_A_KEY_FILE`]): the answer never tells what is at a path. (The
//! desktop app goes further: its window cannot name a path at all; files are chosen in the
//! system's open dialog, opened from Rust.)

use std::io::Read;
use std::path::Path;

use crate::error::Error;
use crate::vocab::Field;

/// The rule every unusable CA certificate file breaks, whatever is wrong with it.
pub const NOT_A_PEM_FILE: &str = "not a readable PEM file";
/// The rule every unusable API key file breaks, whatever is wrong with it.
pub const NOT_A_KEY_FILE: &str = "not a readable key file";
/// The largest CA certificate file read: a whole public root bundle is about 250 KB.
pub const MAX_PEM_FILE_BYTES: u64 = 1024 * 1024;

/// The input error of an unusable CA certificate file.
pub fn not_a_pem_file() -> Error {
    Error::input(Field::CaFile, NOT_A_PEM_FILE)
}

/// The input error of an unusable API key file.
pub fn not_a_key_file() -> Error {
    Error::input(Field::KeyFile, NOT_A_KEY_FILE)
}

/// The bytes of the regular file at `path` (a symbolic link is followed) when it holds at
/// most `max` bytes; None for anything else — no such file, a folder, a pipe or device, a
/// larger file, no permission. A pipe is never opened (opening one waits for a writer), and
/// what is read is capped even when the file grows meanwhile.
pub fn read_capped(path: &Path, max: u64) -> Option<Vec<u8>> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > max {
        return None;
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Swapped for a pipe after the check above: the open does not wait for a writer.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes).ok()?;
    (bytes.len() as u64 <= max).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_regular_file_within_the_cap_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.pem");
        std::fs::write(&file, b"12345").unwrap();
        assert_eq!(read_capped(&file, 5).as_deref(), Some(&b"12345"[..]));
        assert_eq!(read_capped(&file, 4), None, "larger than the cap");
        assert_eq!(read_capped(&dir.path().join("none"), 5), None, "missing");
        assert_eq!(read_capped(dir.path(), 1 << 20), None, "a folder");
        #[cfg(unix)]
        {
            let link = dir.path().join("link.pem");
            std::os::unix::fs::symlink(&file, &link).unwrap();
            assert_eq!(read_capped(&link, 5).as_deref(), Some(&b"12345"[..]));
            assert_eq!(
                read_capped(Path::new("/dev/zero"), 1 << 20),
                None,
                "a device"
            );
            let fifo = dir.path().join("fifo");
            let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
            // SAFETY: a valid NUL-terminated path.
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
            assert_eq!(read_capped(&fifo, 1 << 20), None, "a pipe, not waited on");
        }
    }

    #[test]
    fn the_words_name_the_field_and_nothing_of_the_file() {
        let pem = not_a_pem_file().info();
        assert_eq!(pem.title, "CA certificate file is not valid");
        assert!(
            pem.hint
                .starts_with("CA certificate file: not a readable PEM file."),
            "{}",
            pem.hint
        );
        let key = not_a_key_file().info();
        assert_eq!(key.title, "API key file is not valid");
        assert!(
            key.hint
                .starts_with("API key file: not a readable key file."),
            "{}",
            key.hint
        );
    }
}
