//! Files and folders only their owner can open, on Windows. Unix does this with file modes
//! (0700 folders, 0600 files) where the files are made; Windows has no modes, so there the
//! folder or file gets a protected access list (DACL) that grants the current user full
//! control and nobody else anything, and, for a folder, passes that on to every file later
//! made in it (SQLite's vault.db, its WAL and SHM, locked.db, device.secret). Best effort,
//! like the modes: a file system without access lists (a FAT memory stick) keeps none.
//!
//! Checked by compiling for x86_64-pc-windows-gnu (scripts/check-windows.sh), not run.

use std::path::Path;

/// Makes `path` (a file, or a folder and what is later made in it) owner-only.
#[cfg(windows)]
pub fn restrict_to_owner(path: &Path) -> std::io::Result<()> {
    windows::restrict(path)
}

/// Elsewhere the modes set where the files are made do it; nothing more to do.
#[cfg(not(windows))]
pub fn restrict_to_owner(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// The vault folder, best effort: a folder that cannot take an access list still holds
/// only encrypted files.
#[cfg(not(unix))]
pub(crate) fn restrict_folder(dir: &Path) {
    let _ = restrict_to_owner(dir);
}

#[cfg(windows)]
mod windows {
    use std::io::{Error, Result};
    use std::os::windows::ffi::OsStrExt;
    use std::path::Path;

    use windows_sys::Win32::Foundation::{CloseHandle, ERROR_SUCCESS, HANDLE};
    use windows_sys::Win32::Security::Authorization::{SetNamedSecurityInfoW, SE_FILE_OBJECT};
    use windows_sys::Win32::Security::{
        AddAccessAllowedAceEx, GetLengthSid, GetTokenInformation, InitializeAcl, TokenUser,
        ACCESS_ALLOWED_ACE, ACL, ACL_REVISION, CONTAINER_INHERIT_ACE, DACL_SECURITY_INFORMATION,
        OBJECT_INHERIT_ACE, PROTECTED_DACL_SECURITY_INFORMATION, TOKEN_QUERY, TOKEN_USER,
    };
    use windows_sys::Win32::Storage::FileSystem::FILE_ALL_ACCESS;
    use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

    /// The current user's token information (`TOKEN_USER` and the SID it points into),
    /// in a buffer aligned for it.
    fn current_user() -> Result<Vec<u64>> {
        let mut token: HANDLE = std::ptr::null_mut();
        // SAFETY: the pseudo handle of the current process needs no closing; `token` is
        // written by the call and closed below.
        if unsafe { OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) } == 0 {
            return Err(Error::last_os_error());
        }
        let mut needed = 0u32;
        // SAFETY: a size query with no buffer; `needed` receives the size.
        unsafe { GetTokenInformation(token, TokenUser, std::ptr::null_mut(), 0, &mut needed) };
        let mut buffer = vec![0u64; (needed as usize).div_ceil(8).max(1)];
        // SAFETY: `buffer` holds at least `needed` bytes, aligned for TOKEN_USER.
        let ok =
            unsafe { GetTokenInformation(token, TokenUser, buffer.as_mut_ptr().cast(), needed, &mut needed) };
        let error = Error::last_os_error();
        // SAFETY: `token` was opened above and is not used after this.
        unsafe { CloseHandle(token) };
        if ok == 0 {
            return Err(error);
        }
        Ok(buffer)
    }

    pub fn restrict(path: &Path) -> Result<()> {
        let user = current_user()?;
        // SAFETY: `user` holds a TOKEN_USER written by GetTokenInformation; its SID lives
        // in the same buffer, which outlives every use below.
        let sid = unsafe { (*user.as_ptr().cast::<TOKEN_USER>()).User.Sid };
        // SAFETY: `sid` is a valid SID (see above).
        let sid_length = unsafe { GetLengthSid(sid) } as usize;
        let acl_length = std::mem::size_of::<ACL>() + std::mem::size_of::<ACCESS_ALLOWED_ACE>()
            - std::mem::size_of::<u32>()
            + sid_length;
        let mut acl = vec![0u64; acl_length.div_ceil(8)];
        let acl_pointer = acl.as_mut_ptr().cast::<ACL>();
        let inherit = if path.is_dir() {
            OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE
        } else {
            0
        };
        // SAFETY: `acl` is large enough for one ACE with this SID and aligned for ACL.
        let built = unsafe {
            InitializeAcl(acl_pointer, acl_length as u32, ACL_REVISION) != 0
                && AddAccessAllowedAceEx(acl_pointer, ACL_REVISION, inherit, FILE_ALL_ACCESS, sid) != 0
        };
        if !built {
            return Err(Error::last_os_error());
        }
        let wide: Vec<u16> = path.as_os_str().encode_wide().chain(std::iter::once(0)).collect();
        // Protected: the access list of the folder above (often readable by every user of
        // the machine) is not inherited.
        // SAFETY: `wide` is NUL-terminated; `acl` is the valid access list built above.
        let status = unsafe {
            SetNamedSecurityInfoW(
                wide.as_ptr(),
                SE_FILE_OBJECT,
                DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                acl_pointer,
                std::ptr::null(),
            )
        };
        if status != ERROR_SUCCESS {
            return Err(Error::from_raw_os_error(status as i32));
        }
        Ok(())
    }
}
