//! The arguments of the commands on the kernel's channels: `spec`,
//! `genl`, `uevent`, `taskstats`, `proc-events`, `netdev`, `ethtool`, and the
//! kernel parameters (`modparam`, `cmdline`, `ioctl`).

use clap::{Args, Subcommand};
use std::path::PathBuf;

/// `nlkit spec`: one of the actions, on the spec `--spec` or `--family`
/// names.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("source").required(true).args(["spec", "family"]))]
#[command(group = clap::ArgGroup::new("action").required(true)
    .args(["list_ops", "list_attrs", "validate", "do_", "dump", "subscribe", "multi"]))]
#[command(group = clap::ArgGroup::new("change").multiple(true).args(["do_", "multi"]))]
pub struct SpecArgs {
    /// The spec file (YAML).
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,
    /// The family whose spec is looked for in $NLKIT_SPEC_PATH (colon-
    /// separated directories), /usr/share/ynl/specs and nlkit's specs/ynl.
    #[arg(long, value_name = "NAME")]
    pub family: Option<String>,
    /// List the operations: number, kinds (do, dump, event), attribute set.
    #[arg(long)]
    pub list_ops: bool,
    /// List the attributes an operation's requests and replies carry, with
    /// types, enums and docs.
    #[arg(long, value_name = "OP")]
    pub list_attrs: Option<String>,
    /// Only load and validate the spec against its schema.
    #[arg(long)]
    pub validate: bool,
    /// Do not validate the spec against the schemas (for a spec newer than
    /// nlkit's schemas; what it names must still exist).
    #[arg(long, conflicts_with = "validate")]
    pub no_schema: bool,
    /// Run operation OP's do.
    #[arg(long = "do", value_name = "OP")]
    pub do_: Option<String>,
    /// Run operation OP's dump.
    #[arg(long, value_name = "OP")]
    pub dump: Option<String>,
    /// Run several operations' do as one datagram, OP with the request
    /// JSON; repeated, in order (as the kernel's ynl CLI's --multi). A
    /// family with batches (nftables) gets them as one batch: wrapped in
    /// batch-begin and batch-end unless the first OP is batch-begin;
    /// applied all or none. Prints the replies of operations that answer
    /// with data (-j: each operation's answer and replies).
    #[arg(long, num_args = 2, value_names = ["OP", "JSON"], action = clap::ArgAction::Append)]
    pub multi: Vec<String>,
    /// The request's attributes as a JSON object (as the kernel's ynl CLI
    /// takes them; `--json` after `spec` is this, as in ynl).
    #[arg(long, value_name = "JSON")]
    pub request: Option<String>,
    /// Print each notification of multicast group GROUP as it comes.
    #[arg(long, value_name = "GROUP")]
    pub subscribe: Option<String>,
    /// Send requests without checking them against the kernel's policy
    /// first (generic netlink families; checked by default).
    #[arg(long)]
    pub no_policy_check: bool,
    /// With --do or --multi: NLM_F_CREATE (make what does not exist).
    #[arg(long, requires = "change")]
    pub create: bool,
    /// With --do or --multi: NLM_F_EXCL (fail if it exists).
    #[arg(long, requires = "change")]
    pub excl: bool,
    /// With --do or --multi: NLM_F_REPLACE.
    #[arg(long, requires = "change")]
    pub replace: bool,
    /// With --do or --multi: NLM_F_APPEND.
    #[arg(long, requires = "change")]
    pub append: bool,
    /// With --subscribe: stop after N messages.
    #[arg(long, value_name = "N", requires = "subscribe")]
    pub count: Option<usize>,
    /// With --subscribe: stop after this many seconds (fractions allowed;
    /// 0: no limit).
    #[arg(long, value_name = "SECONDS", value_parser = crate::words::values::timeout, default_value_t = 0.0)]
    pub timeout: f64,
}

#[derive(Debug, Subcommand)]
pub enum UeventCommand {
    /// Print uevents as they come, from the kernel's group and udev's
    /// (only the kernel, and root's udevd, are believed; others are said
    /// on stderr).
    Monitor(UeventMonitorArgs),
}

#[derive(Debug, Args)]
pub struct UeventMonitorArgs {
    /// The kernel's group only (default: the kernel's and udev's).
    #[arg(long)]
    pub kernel: bool,
    /// udev's group only (events udevd has processed).
    #[arg(long)]
    pub udev: bool,
    /// Only events of this subsystem (and device type: `net`,
    /// `block/disk`); repeat for any of several. Matched in the kernel on
    /// udev's group.
    #[arg(long, value_name = "SUBSYSTEM[/DEVTYPE]")]
    pub subsystem: Vec<String>,
    /// Only events with this tag (udev's `TAGS`); repeat for any of several.
    #[arg(long, value_name = "TAG")]
    pub tag: Vec<String>,
    /// Print each event's properties after it.
    #[arg(long = "property")]
    pub properties: bool,
    /// Stop after this many events.
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Stop after this many seconds (fractions allowed; 0: no limit).
    #[arg(long, value_name = "SECONDS", value_parser = crate::words::values::timeout, default_value_t = 0.0)]
    pub timeout: f64,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// The audit status, as `auditctl -s` prints it.
    Status,
    /// The audit rules the kernel holds.
    Rules,
    /// Print audit events as they come (the read-only multicast group,
    /// CAP_AUDIT_READ), records grouped by serial, as auditd logs them.
    Monitor(AuditMonitorArgs),
    /// Change the status, as auditctl's -e, -f, -r, -b, --backlog_wait_time
    /// and --reset-lost do (the whole machine's audit state: needs
    /// CAP_AUDIT_CONTROL; enabled 2 locks it until reboot).
    Set(AuditSetArgs),
    /// Add or delete one rule, written as `audit rules` prints it.
    #[command(subcommand)]
    Rule(AuditRuleCommand),
}

#[derive(Debug, Args)]
pub struct AuditSetArgs {
    /// 0 disables auditing, 1 enables it, 2 enables and locks it.
    #[arg(long, value_name = "0|1|2")]
    pub enabled: Option<u32>,
    /// What a failure to log does: 0 nothing, 1 printk, 2 panic.
    #[arg(long, value_name = "0|1|2")]
    pub failure: Option<u32>,
    /// Records per second at most (0: no limit).
    #[arg(long, value_name = "N")]
    pub rate_limit: Option<u32>,
    /// Records queued at most.
    #[arg(long, value_name = "N")]
    pub backlog_limit: Option<u32>,
    /// How long a task waits for room in the queue (jiffies).
    #[arg(long, value_name = "N")]
    pub backlog_wait_time: Option<u32>,
    /// Reset the count of lost records to 0.
    #[arg(long)]
    pub reset_lost: bool,
}

#[derive(Debug, Subcommand)]
pub enum AuditRuleCommand {
    /// Add a rule (at the end of its list; --first: at the start).
    Add(AuditRuleArgs),
    /// Delete the rule equal to this one.
    Delete(AuditRuleArgs),
}

#[derive(Debug, Args)]
pub struct AuditRuleArgs {
    /// The action and the list, in either order: always,exit.
    #[arg(value_name = "ACTION,LIST")]
    pub rule: String,
    /// A system call by name or number (of the rule's -F arch, else this
    /// machine's), several joined by commas, or `all`; repeatable:
    /// -S open,openat.
    #[arg(short = 'S', value_name = "SYSCALL")]
    pub syscalls: Vec<String>,
    /// A field condition: NAME or number, an operator (= != < > <= >= &
    /// &=), a value: -F key=mine, -F auid>=1000, -F arch=b64.
    #[arg(short = 'F', value_name = "FIELD")]
    pub fields: Vec<String>,
    /// Add the rule first on its list (auditctl -A).
    #[arg(long)]
    pub first: bool,
}

#[derive(Debug, Args)]
pub struct AuditMonitorArgs {
    /// Register as the audit daemon and read its unicast stream (the
    /// kernel holds records while it is slow; refused while another
    /// daemon is registered; unregisters when it stops). Without it, the
    /// read-only multicast copy.
    #[arg(long)]
    pub daemon: bool,
    /// Architectures and system calls by name in the records' text
    /// (`arch=x86_64 syscall=execve`), as ausearch -i writes them.
    #[arg(short = 'i', long)]
    pub interpret: bool,
    /// Stop after this many events.
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Stop after this many seconds (fractions allowed; 0: no limit).
    #[arg(long, value_name = "SECONDS", value_parser = crate::words::values::timeout, default_value_t = 0.0)]
    pub timeout: f64,
}

#[derive(Debug, Subcommand)]
pub enum SelinuxCommand {
    /// Print SELinux notices as they come: the enforcing mode set, a
    /// policy loaded (only the kernel is believed).
    Monitor(SelinuxMonitorArgs),
}

#[derive(Debug, Args)]
pub struct SelinuxMonitorArgs {
    /// Stop after this many notices.
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Stop after this many seconds (fractions allowed; 0: no limit).
    #[arg(long, value_name = "SECONDS", value_parser = crate::words::values::timeout, default_value_t = 0.0)]
    pub timeout: f64,
}

#[derive(Debug, Subcommand)]
pub enum HandshakeCommand {
    /// Print each handshake request the kernel announces (`ready` on the
    /// handler class's group) as it comes.
    Monitor(HandshakeArgs),
    /// Accept each request as it is announced, print it, and report it done
    /// with --status: an agent that does no TLS itself, to test the kernel's
    /// consumers (NVMe/TCP, NFS over TLS), their failure paths by default.
    Accept(HandshakeArgs),
}

#[derive(Debug, Args)]
pub struct HandshakeArgs {
    /// The handler class: tlshd (the only one the kernel has).
    #[arg(long, value_name = "CLASS", default_value = "tlshd")]
    pub class: String,
    /// With accept: the status reported, an errno (a number or a name such
    /// as EACCES); 0 tells the consumer the handshake succeeded although
    /// none was made.
    #[arg(long, value_name = "ERRNO", default_value = "EACCES")]
    pub status: String,
    /// Stop after this many requests.
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Stop after this many seconds (fractions allowed; 0: no limit).
    #[arg(long, value_name = "SECONDS", value_parser = crate::words::values::timeout, default_value_t = 0.0)]
    pub timeout: f64,
}

#[derive(Debug, Args)]
pub struct TaskstatsArgs {
    /// The task (a pid or thread id); with --tgid a thread group; with
    /// --listen only exits of this thread group.
    #[arg(value_name = "PID")]
    pub id: Option<u32>,
    /// Sum over the thread group PID (living and exited threads).
    #[arg(long)]
    pub tgid: bool,
    /// Print each task's statistics as it exits.
    #[arg(long)]
    pub listen: bool,
    /// With --listen: the CPUs to listen on (`0-3,5`; default: every
    /// possible CPU).
    #[arg(long, value_name = "LIST", requires = "listen")]
    pub cpus: Option<String>,
    /// With --listen: stop after this many exits.
    #[arg(long, value_name = "N", requires = "listen")]
    pub count: Option<u64>,
    /// With --listen: stop after this many seconds (fractions allowed; 0:
    /// no limit).
    #[arg(long, value_name = "SECONDS", value_parser = crate::words::values::timeout, default_value_t = 0.0)]
    pub timeout: f64,
}

#[derive(Debug, Args)]
pub struct ProcEventsArgs {
    /// Only these events: fork,exec,uid,gid,sid,ptrace,comm,coredump,exit.
    #[arg(short = 'e', long = "events", value_name = "LIST")]
    pub events: Option<String>,
    /// Only events of this process (as the process, child, parent or tracer).
    #[arg(long, value_name = "PID")]
    pub pid: Option<i32>,
    /// Stop after this many events.
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Stop after this many seconds (fractions allowed; 0: no limit).
    #[arg(long, value_name = "SECONDS", value_parser = crate::words::values::timeout, default_value_t = 0.0)]
    pub timeout: f64,
}

/// `nlkit ethtool`: one of ethtool's short options, with its device.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("action").required(true)
    .args(["dev", "show_features", "features", "show_channels", "set_channels", "show_ring",
        "set_ring", "show_pause", "pause", "show_coalesce", "coalesce", "driver", "statistics"]))]
pub struct EthtoolArgs {
    /// The device's link settings (ethtool's default view): link modes,
    /// speed, duplex, port, Wake-on-LAN, message level, link state.
    #[arg(value_name = "DEV")]
    pub dev: Option<String>,
    /// The device's features, grouped as ethtool groups them.
    #[arg(short = 'k', long = "show-features", value_name = "DEV")]
    pub show_features: Option<String>,
    /// Turn features on or off: DEV NAME on|off... (ethtool's legacy
    /// names such as tso or tx-checksumming cover their features).
    #[arg(short = 'K', long = "features", num_args = 1.., value_name = "DEV NAME on|off")]
    pub features: Option<Vec<String>>,
    /// The device's channel counts and their maximums.
    #[arg(short = 'l', long = "show-channels", value_name = "DEV")]
    pub show_channels: Option<String>,
    /// Set channel counts: DEV [rx N] [tx N] [other N] [combined N].
    #[arg(short = 'L', long = "set-channels", num_args = 1.., value_name = "DEV NAME N")]
    pub set_channels: Option<Vec<String>>,
    /// The device's ring sizes and their maximums.
    #[arg(short = 'g', long = "show-ring", value_name = "DEV")]
    pub show_ring: Option<String>,
    /// Set ring sizes: DEV [rx N] [rx-mini N] [rx-jumbo N] [tx N]
    /// [rx-buf-len N] [cqe-size N].
    #[arg(short = 'G', long = "set-ring", num_args = 1.., value_name = "DEV NAME N")]
    pub set_ring: Option<Vec<String>>,
    /// The device's pause parameters.
    #[arg(short = 'a', long = "show-pause", value_name = "DEV")]
    pub show_pause: Option<String>,
    /// Set pause parameters: DEV [autoneg on|off] [rx on|off] [tx on|off].
    #[arg(short = 'A', long = "pause", num_args = 1.., value_name = "DEV NAME on|off")]
    pub pause: Option<Vec<String>>,
    /// The device's interrupt coalescing parameters (ethtool's -c: nlkit's
    /// -c is the global --color).
    #[arg(long = "show-coalesce", value_name = "DEV")]
    pub show_coalesce: Option<String>,
    /// Set coalescing parameters: DEV NAME N... (rx-usecs, tx-frames, ...;
    /// adaptive-rx, adaptive-tx, cqe-mode-rx, cqe-mode-tx take on|off).
    #[arg(short = 'C', long = "coalesce", num_args = 1.., value_name = "DEV NAME N")]
    pub coalesce: Option<Vec<String>>,
    /// The device's driver (through the ioctl SIOCETHTOOL, as ethtool 6.1).
    #[arg(short = 'i', long = "driver", value_name = "DEV")]
    pub driver: Option<String>,
    /// The driver's statistics (through the ioctl SIOCETHTOOL, as ethtool 6.1).
    #[arg(short = 'S', long = "statistics", value_name = "DEV")]
    pub statistics: Option<String>,
    /// With -a: the device's counters too (ETHTOOL_FLAG_STATS), as
    /// `ethtool -I`; nothing more where the driver keeps none.
    #[arg(short = 'I', long = "include-statistics")]
    pub include_statistics: bool,
}

#[derive(Debug, Subcommand)]
pub enum NetdevCommand {
    /// Every device: XDP features, zero-copy fragments, receive metadata,
    /// AF_XDP features.
    #[command(visible_alias = "list")]
    Show,
    /// Every device's queues (queue-get; Linux 6.8+), by the spec's names.
    Queue,
    /// Every NAPI instance (napi-get; Linux 6.8+).
    Napi,
    /// Queue statistics of the devices that report them (qstats-get).
    Qstats,
    /// Page pools (page-pool-get; Linux 6.8+).
    #[command(name = "page-pool")]
    PagePool,
}

#[derive(Debug, Subcommand)]
pub enum GenlCommand {
    /// Every registered family: id, version, header size, max attribute,
    /// operations with their flags, multicast groups.
    #[command(visible_alias = "ls")]
    List,
    /// One family, by name.
    #[command(visible_alias = "get")]
    Show {
        /// The family's name.
        name: String,
    },
    /// What the kernel checks in a family's requests: each operation's
    /// policies, and each policy's attributes (types, ranges, lengths,
    /// nested policies).
    Policy {
        /// The family's name.
        name: String,
        /// Only this operation (command number).
        #[arg(long)]
        op: Option<u32>,
    },
    /// Run operation OP (its number) of any family with no spec: its
    /// replies are read by the kernel's own policy for it (attributes as
    /// `attr-N` with the policy's types), one JSON object a line.
    Do {
        /// The family's name.
        name: String,
        /// The operation's command number.
        op: u32,
        /// The request's attributes as JSON (`{"attr-1": 5}`).
        #[arg(long, value_name = "JSON")]
        attrs: Option<String>,
    },
    /// Dump operation OP (its number) of any family with no spec, as `do`.
    Dump {
        /// The family's name.
        name: String,
        /// The operation's command number.
        op: u32,
        /// The request's attributes as JSON.
        #[arg(long, value_name = "JSON")]
        attrs: Option<String>,
    },
    /// Families and groups coming and going (the controller's `notify`
    /// group), one line (or JSON object) each.
    Monitor {
        /// Stop after this many events.
        #[arg(long, value_name = "N")]
        count: Option<u64>,
        /// Stop after this many seconds (fractions allowed; 0: no limit).
        #[arg(long, value_name = "SECONDS", value_parser = crate::words::values::timeout, default_value_t = 0.0)]
        timeout: f64,
    },
}

#[derive(Debug, Args)]
pub struct ModparamArgs {
    /// The module (without it: list the modules that have parameters).
    pub module: Option<String>,
    /// A parameter to read, or PARAM=VALUE to write.
    #[arg(value_name = "PARAM[=VALUE]")]
    pub param: Option<String>,
    /// The sysfs module directory.
    #[arg(long, value_name = "DIR", default_value = None)]
    pub root: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CmdlineArgs {
    /// A command line to split (default: /proc/cmdline).
    #[arg(value_name = "STRING")]
    pub text: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum IoctlCommand {
    /// Take requests apart: direction, type, number, size, and the names
    /// the uapi headers give them.
    Decode {
        /// Requests: hex (0x5401), decimal, a name (TUNSETIFF) or a macro
        /// (`_IOR('m', 1, 40)`).
        #[arg(required = true, allow_hyphen_values = true, value_name = "REQUEST")]
        requests: Vec<String>,
    },
    /// Put a request number together, the inverse of decode: from a macro
    /// (`_IOW('T', 202, int)`), a name, or DIR TYPE NR [SIZE]
    /// (`w T 202 4`; DIR none|r|w|rw, TYPE a char or a number).
    Encode {
        /// A macro or a name; or DIR TYPE NR [SIZE].
        #[arg(required = true, num_args = 1..=4, allow_hyphen_values = true, value_name = "WORDS")]
        words: Vec<String>,
    },
}
