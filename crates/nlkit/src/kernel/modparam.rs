//! Module parameters under `/sys/module/MODULE/parameters/` (see
//! Documentation/ABI/testing/sysfs-module and module(7)'s `modinfo -p`).
//!
//! Built-in modules expose their parameters there too, so this works on a
//! kernel without loadable modules. Names follow the kernel's `parameq`
//! rule: `-` and `_` are the same character; sysfs spells them with `_`.
//! A parameter's file mode says whether it can be read and written; the
//! kernel checks writes with the parameter's own parser.

use super::{check_component, read_value, write_value, Error, Result};
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

/// Where sysfs lists modules.
pub const SYS_MODULE: &str = "/sys/module";

/// The module parameter tree: `/sys/module`, or a stand-in for tests.
#[derive(Debug, Clone)]
pub struct ModParams {
    root: PathBuf,
}

/// One parameter of a module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The parameter's name, as sysfs spells it.
    pub name: String,
    /// Its value without the trailing newline; `None` when it cannot be
    /// read (write-only, or the read failed).
    pub value: Option<String>,
    /// Whether the file mode allows writing.
    pub writable: bool,
}

impl Default for ModParams {
    fn default() -> Self {
        ModParams::new()
    }
}

impl ModParams {
    /// The kernel's tree, `/sys/module`.
    pub fn new() -> ModParams {
        ModParams::with_root(SYS_MODULE)
    }

    /// A tree rooted elsewhere: `ROOT/MODULE/parameters/PARAM` files.
    pub fn with_root(root: impl Into<PathBuf>) -> ModParams {
        ModParams { root: root.into() }
    }

    /// The modules that have at least one parameter, sorted.
    pub fn modules(&self) -> Result<Vec<String>> {
        let dir =
            std::fs::read_dir(&self.root).map_err(|e| Error::io("read_dir", &self.root, e))?;
        let mut out: Vec<String> = dir
            .filter_map(|e| e.ok())
            .filter(|e| {
                std::fs::read_dir(e.path().join("parameters")).is_ok_and(|mut d| d.next().is_some())
            })
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        out.sort();
        Ok(out)
    }

    /// The directory holding `module`'s parameters.
    pub fn dir(&self, module: &str) -> Result<PathBuf> {
        check_component(module, module)?;
        Ok(self.root.join(normalize(module)).join("parameters"))
    }

    /// The file of one parameter.
    pub fn path(&self, module: &str, param: &str) -> Result<PathBuf> {
        check_component(param, param)?;
        Ok(self.dir(module)?.join(normalize(param)))
    }

    /// All parameters of `module`, sorted by name.
    pub fn params(&self, module: &str) -> Result<Vec<Param>> {
        let dir = self.dir(module)?;
        let entries = std::fs::read_dir(&dir).map_err(|e| Error::io("read_dir", &dir, e))?;
        let mut out = Vec::new();
        for entry in entries.filter_map(|e| e.ok()) {
            let mode = entry.metadata().map(|m| m.permissions().mode()).unwrap_or(0);
            let value = if mode & 0o444 != 0 { read_value(&entry.path()).ok() } else { None };
            out.push(Param {
                name: entry.file_name().to_string_lossy().into_owned(),
                value,
                writable: mode & 0o222 != 0,
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Reads one parameter.
    pub fn read(&self, module: &str, param: &str) -> Result<String> {
        read_value(&self.path(module, param)?)
    }

    /// Writes one parameter, exactly the bytes of `value` (no newline: a
    /// string parameter would keep it). A parameter without write permission fails
    /// with [`Error::PermissionDenied`] before anything is written, since
    /// root could otherwise write a read-only file in a stand-in tree.
    pub fn write(&self, module: &str, param: &str, value: &str) -> Result<()> {
        let path = self.path(module, param)?;
        let meta = std::fs::metadata(&path).map_err(|e| Error::io("write", &path, e))?;
        if meta.permissions().mode() & 0o222 == 0 {
            return Err(Error::PermissionDenied { path, write: true });
        }
        write_value(&path, value, false)
    }
}

/// A module or parameter name as sysfs spells it: `-` becomes `_`.
pub fn normalize(name: &str) -> String {
    name.replace('-', "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(tag: &str) -> (PathBuf, ModParams) {
        let root =
            std::env::temp_dir().join(format!("nlkit-modparam-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let p = root.join("fake_mod/parameters");
        std::fs::create_dir_all(&p).unwrap();
        std::fs::create_dir_all(root.join("noparams")).unwrap();
        std::fs::write(p.join("debug_level"), "3\n").unwrap();
        std::fs::write(p.join("version"), "1.2\n").unwrap();
        std::fs::set_permissions(p.join("version"), std::fs::Permissions::from_mode(0o444))
            .unwrap();
        (root.clone(), ModParams::with_root(root))
    }

    #[test]
    fn lists_reads_and_writes_a_stand_in_tree() {
        let (root, m) = tree("rw");
        assert_eq!(m.modules().unwrap(), ["fake_mod"]);
        let params = m.params("fake-mod").unwrap();
        assert_eq!(
            params[0],
            Param { name: "debug_level".into(), value: Some("3".into()), writable: true }
        );
        assert!(!params[1].writable);
        m.write("fake_mod", "debug-level", "7").unwrap();
        assert_eq!(m.read("fake_mod", "debug_level").unwrap(), "7");
        // Exactly the value: a charp parameter would keep a newline.
        assert_eq!(std::fs::read(root.join("fake_mod/parameters/debug_level")).unwrap(), b"7");
        assert!(matches!(
            m.write("fake_mod", "version", "2"),
            Err(Error::PermissionDenied { write: true, .. })
        ));
        assert!(matches!(m.read("fake_mod", "nope"), Err(Error::NotFound { .. })));
        assert!(matches!(m.params("no_such_module"), Err(Error::NotFound { .. })));
        assert!(matches!(m.read("..", "x"), Err(Error::InvalidName { .. })));
        assert!(matches!(m.read("fake_mod", "../../x"), Err(Error::InvalidName { .. })));
        std::fs::remove_dir_all(root).unwrap();
    }
}
