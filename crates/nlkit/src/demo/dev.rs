//! `/dev/nlkit_demo`, the demo module's character device, and its trigger
//! file: the ABI of `kernel/c/nlkit_demo.h`, through
//! [`kernel::chardev`](crate::kernel::chardev).
//!
//! The device is a file view of the module's 16 KiB broadcast buffer (the
//! one `/proc/nlkit_demo_buffer` shows and DUMP returns): reads see the
//! stored bytes, a write appends one entry, mmap maps the whole buffer.
//! [`INFO`] reports the fill and the last process to open the device;
//! [`TRUNCATE`] keeps a window of the data. Writing [`TRIGGER`] makes the
//! module send the registered port one NOTIFY with the text written.

use crate::kernel::chardev::{Device, Mapping, Pod, ReadIoctl, WriteIoctl};
use crate::kernel::{Error, Result};
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::Path;

/// The device node.
pub const DEVICE: &str = "/dev/nlkit_demo";
/// The procfs file that shows the same buffer (read-only).
pub const BUFFER_PROC: &str = "/proc/nlkit_demo_buffer";
/// The procfs file whose writes send a NOTIFY to the registered port.
pub const TRIGGER: &str = "/proc/nlkit_demo_trigger";
/// `NLKIT_DEMO_BUFSIZE`: the buffer's size, and the most that can be mapped.
pub const BUFSIZE: usize = 16 * 1024;
/// The ioctl type of the device's requests.
pub const IOC_TYPE: u8 = b'N';
/// `NLKIT_DEMO_IOC_INFO`: `_IOR('N', 1, struct nlkit_demo_info)` (made,
/// with its safety argument, in `sys/`).
#[allow(unsafe_code)] // the request's promise, in its SAFETY comment
pub const INFO: ReadIoctl<DemoInfo> =
    // SAFETY: the demo modules (demo_dev_info in kernel/c/nlkit_demo.c, and
    // the Rust one to the same ABI) copy one struct nlkit_demo_info to the
    // argument and nothing else; the struct holds no pointers.
    unsafe { ReadIoctl::new(b'N', 1) };
/// `NLKIT_DEMO_IOC_TRUNCATE`: `_IOW('N', 2, struct nlkit_demo_window)`.
#[allow(unsafe_code)] // as above
pub const TRUNCATE: WriteIoctl<Window> =
    // SAFETY: the demo modules (demo_dev_truncate) copy one struct
    // nlkit_demo_window from the argument and write nothing back.
    unsafe { WriteIoctl::new(b'N', 2) };

/// `struct nlkit_demo_info`: 32 bytes, no padding.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DemoInfo {
    /// tgid of the last process to open the device.
    pub owner_pid: u32,
    /// Bytes stored in the buffer.
    pub data_len: u32,
    /// [`BUFSIZE`] minus `data_len`.
    pub free_space: u32,
    /// Stored entries (what DUMP returns).
    pub entries: u32,
    /// That process's command (task comm), NUL-terminated.
    pub owner_comm: [u8; 16],
}

impl DemoInfo {
    /// The owner's command, up to its NUL, as text (lossy).
    pub fn comm(&self) -> String {
        let end = self.owner_comm.iter().position(|&b| b == 0).unwrap_or(self.owner_comm.len());
        String::from_utf8_lossy(&self.owner_comm[..end]).into_owned()
    }
}

/// `struct nlkit_demo_window`: keep bytes `[offset, offset + length)`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Window {
    /// The first byte kept (at most the data length, else `EINVAL`).
    pub offset: u32,
    /// How many bytes to keep (clipped at the end of the data).
    pub length: u32,
}

/// The open device.
#[derive(Debug)]
pub struct DemoDevice {
    dev: Device,
}

impl DemoDevice {
    /// Opens [`DEVICE`] for reading and writing: this process becomes its
    /// owner.
    pub fn open() -> Result<DemoDevice> {
        Self::open_path(DEVICE)
    }

    /// Opens the device at `path`.
    pub fn open_path(path: impl AsRef<Path>) -> Result<DemoDevice> {
        Ok(DemoDevice { dev: Device::open(path)? })
    }

    /// The underlying device, for other requests.
    pub fn device(&self) -> &Device {
        &self.dev
    }

    /// `NLKIT_DEMO_IOC_INFO`.
    pub fn info(&self) -> Result<DemoInfo> {
        self.dev.ioctl_read(INFO)
    }

    /// `NLKIT_DEMO_IOC_TRUNCATE`: keeps `[offset, offset + length)` of the
    /// data as its one entry; `EINVAL` if `offset` is past the data.
    pub fn truncate(&self, offset: u32, length: u32) -> Result<()> {
        self.dev.ioctl_write(TRUNCATE, &Window { offset, length }).map(drop)
    }

    /// Every stored byte, read with pread(2) from offset 0 to the end.
    pub fn read(&self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            let n = self
                .dev
                .file()
                .read_at(&mut chunk, out.len() as u64)
                .map_err(|e| Error::io("read", self.dev.path(), e))?;
            if n == 0 {
                return Ok(out);
            }
            out.extend_from_slice(&chunk[..n]);
        }
    }

    /// Appends `data` as one entry, in one write(2); `ENOSPC` if it does
    /// not fit.
    pub fn append(&self, data: &[u8]) -> Result<()> {
        write_once(self.dev.file(), self.dev.path(), data)
    }

    /// Maps the first `len` bytes of the buffer (at most [`BUFSIZE`]),
    /// shared and read-only: it shows every later change.
    pub fn map(&self, len: usize) -> Result<Mapping> {
        self.dev.map(0, len)
    }
}

/// Writes `data` in one write(2), which must take all of it.
fn write_once(mut file: impl Write, path: &Path, data: &[u8]) -> Result<()> {
    match file.write(data) {
        Ok(n) if n == data.len() => Ok(()),
        Ok(n) => Err(Error::io(
            "write",
            path,
            std::io::Error::other(format!("wrote {n} of {} bytes", data.len())),
        )),
        Err(e) => Err(Error::io("write", path, e)),
    }
}

/// Writes `text` to [`TRIGGER`]: the registered port gets it as a NOTIFY.
/// `ENOTCONN` if no port has registered.
pub fn trigger(text: &[u8]) -> Result<()> {
    trigger_path(TRIGGER, text)
}

/// Writes `text` to the trigger file at `path`, in one write(2).
pub fn trigger_path(path: impl AsRef<Path>, text: &[u8]) -> Result<()> {
    let path = path.as_ref();
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| Error::io("write", path, e))?;
    write_once(file, path, text)
}

// SAFETY: repr(C), four u32 then [u8; 16]: 32 bytes, no padding (its layout
// test in demo::dev checks size and offsets against nlkit_demo.h).
#[allow(unsafe_code)] // the demo ABI's layout, checked by a test below
unsafe impl Pod for DemoInfo {}
// SAFETY: repr(C), two u32: 8 bytes, no padding (tested in demo::dev).
#[allow(unsafe_code)] // as above
unsafe impl Pod for Window {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{offset_of, size_of};

    #[test]
    fn layouts_match_nlkit_demo_h() {
        assert_eq!(size_of::<DemoInfo>(), 32);
        assert_eq!(offset_of!(DemoInfo, owner_pid), 0);
        assert_eq!(offset_of!(DemoInfo, data_len), 4);
        assert_eq!(offset_of!(DemoInfo, free_space), 8);
        assert_eq!(offset_of!(DemoInfo, entries), 12);
        assert_eq!(offset_of!(DemoInfo, owner_comm), 16);
        assert_eq!(size_of::<Window>(), 8);
        assert_eq!(offset_of!(Window, offset), 0);
        assert_eq!(offset_of!(Window, length), 4);
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn request_numbers_match_the_c_macros() {
        // printf("%#x", NLKIT_DEMO_IOC_INFO) and _TRUNCATE, x86_64.
        assert_eq!(INFO.request(), 0x8020_4e01);
        assert_eq!(TRUNCATE.request(), 0x4008_4e02);
        assert_eq!(format!("{INFO:?}"), "_IOR('N', 0x1, 32) (0x80204e01)");
        assert_eq!(INFO.request() >> 8 & 0xff, u32::from(IOC_TYPE));
    }

    #[test]
    fn comm_stops_at_the_nul() {
        let mut info = DemoInfo::default();
        info.owner_comm[..6].copy_from_slice(b"nlkit\0");
        assert_eq!(info.comm(), "nlkit");
        info.owner_comm = [b'x'; 16];
        assert_eq!(info.comm().len(), 16);
        assert_eq!(DemoInfo::default().comm(), "");
    }

    #[test]
    fn no_device_is_a_clean_error() {
        let err = DemoDevice::open_path("/nonexistent/nlkit_demo").unwrap_err();
        assert!(matches!(err, Error::NotFound { .. }));
        let err = trigger_path("/nonexistent/nlkit_demo_trigger", b"x").unwrap_err();
        assert_eq!(err.errno(), Some(libc::ENOENT));
    }

    #[test]
    fn a_regular_file_stands_in_for_the_device() {
        // Read, append and map work on any file; INFO does not (ENOTTY).
        let path = std::env::temp_dir().join(format!("nlkit-demo-dev-{}", std::process::id()));
        std::fs::write(&path, vec![b'a'; 4096]).unwrap();
        let dev = DemoDevice::open_path(&path).unwrap();
        assert_eq!(dev.info().unwrap_err().errno(), Some(libc::ENOTTY));
        assert_eq!(dev.truncate(1, 2).unwrap_err().errno(), Some(libc::ENOTTY));
        assert_eq!(dev.read().unwrap().len(), 4096);
        dev.append(b"bc").unwrap();
        assert_eq!(&dev.read().unwrap()[..2], b"bc", "a file's position starts at 0");
        assert_eq!(dev.map(4096).unwrap().copy_range(0..3).unwrap(), b"bca");
        std::fs::remove_file(&path).unwrap();
    }
}
