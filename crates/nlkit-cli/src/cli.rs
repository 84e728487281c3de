//! The command-line grammar, as clap definitions. Parsing of values
//! (protocols, flags, groups, hex) lives in `parse`; behaviour in the
//! command modules.

use crate::words::values as parse;
use clap::{ArgAction, Args, Parser, Subcommand};
use nlkit::wire::Flags;
use nlkit::Protocol;
use std::path::PathBuf;

/// nlkit: talk to the Linux kernel over netlink.
///
/// Objects and commands may be shortened to any unambiguous prefix.
#[derive(Debug, Parser)]
#[command(
    name = "nlkit",
    version,
    about,
    propagate_version = true,
    infer_subcommands = true,
    after_help = "Each object prints its keywords with help: nlkit link help, nlkit route add -h."
)]
pub struct Cli {
    /// Print JSON (`raw`: one object per message; objects: as `ip -j`).
    #[arg(short = 'j', long = "json", global = true)]
    pub json: bool,
    /// Pretty-print JSON.
    #[arg(short = 'p', long = "pretty", global = true)]
    pub pretty: bool,
    /// Work inside this network namespace (/run/netns/NAME).
    #[arg(short = 'n', long = "netns", global = true, value_name = "NETNS")]
    pub netns: Option<String>,
    /// IPv4 only.
    #[arg(short = '4', global = true, conflicts_with = "ipv6")]
    pub ipv4: bool,
    /// IPv6 only.
    #[arg(short = '6', global = true)]
    pub ipv6: bool,
    /// Show details.
    #[arg(short = 'd', long = "details", global = true)]
    pub details: bool,
    /// One line per link: name, state, and the address and flags
    /// (`link`) or the addresses (`address`), as `ip -br`.
    #[arg(long = "brief", global = true)]
    pub brief: bool,
    /// Colors in text (as `ip -c`): always (`-c` alone), auto (when stdout
    /// is a terminal) or never (the default); never with -j.
    #[arg(short = 'c', long = "color", global = true, value_name = "WHEN", num_args = 0..=1,
          require_equals = true, default_missing_value = "always",
          value_parser = ["always", "auto", "never"])]
    pub color: Option<String>,
    /// Each object on one line, its line breaks written as `\` (as `ip -o`;
    /// `address`: one line per address).
    #[arg(short = 'o', long = "oneline", global = true)]
    pub oneline: bool,
    /// Numbers instead of names: protocols, scopes, tables, TOS, realms,
    /// groups, link types (as `ip -N`).
    #[arg(short = 'N', long = "Numeric")]
    pub numeric: bool,
    /// Host names instead of addresses, from the system's resolver (as
    /// `ip -r`: destinations and sources of full length, gateways,
    /// interface addresses, neighbours).
    #[arg(short = 'r', long = "resolve")]
    pub resolve: bool,
    /// Show statistics; twice for more (as `ip -s -s`).
    #[arg(short = 's', long = "stats", global = true, action = ArgAction::Count)]
    pub stats: u8,
    /// Run the commands in FILE (- for standard input), as `ip -batch`:
    /// route changes pipelined, each failure reported with its line.
    #[arg(short = 'b', long = "batch", value_name = "FILE")]
    pub batch: Option<String>,
    /// With --batch: go on after a failed line (status 1 at the end).
    #[arg(short = 'f', long = "force", requires = "batch")]
    pub force: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// The family `-4`/`-6` ask for (`AF_INET`, `AF_INET6`), 0 for any.
    pub fn global_family(&self) -> u8 {
        match (self.ipv4, self.ipv6) {
            (true, false) => 2,
            (false, true) => 10,
            _ => 0,
        }
    }

    /// The palette `-c` asks for: ip's `check_enable_color`.
    pub fn palette(&self) -> Option<crate::out::printer::Palette> {
        use std::io::IsTerminal;
        let on = match self.color.as_deref() {
            Some("always") => true,
            Some("auto") => std::io::stdout().is_terminal(),
            _ => false,
        };
        (on && !self.json).then(crate::out::printer::Palette::from_env)
    }

    /// The options the `ip`-style objects share.
    pub fn global(&self) -> crate::ip::Global {
        crate::ip::Global {
            json: self.json,
            pretty: self.pretty,
            netns: self.netns.clone(),
            ipv4: self.ipv4,
            ipv6: self.ipv6,
            details: self.details,
            stats: self.stats,
            brief: self.brief,
            oneline: self.oneline,
            color: self.palette(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Raw netlink on any protocol: send messages, listen for them.
    #[command(subcommand)]
    Raw(RawCommand),
    /// Interface addresses: show | add | change | replace | del | flush, as
    /// `ip address` (nlkit address help: every keyword).
    #[command(visible_alias = "addr", disable_help_flag = true)]
    Address(Words),
    /// Routes: show | get | add | change | replace | append | del, as `ip route`.
    #[command(disable_help_flag = true)]
    Route(Words),
    /// Policy routing rules: show | add | del, as `ip rule`.
    #[command(disable_help_flag = true)]
    Rule(Words),
    /// Network interfaces: show | add | set | del, as `ip link`.
    #[command(disable_help_flag = true)]
    Link(Words),
    /// Neighbour (ARP/NDP) entries: show | get | add | change | replace | del, as `ip neigh`.
    #[command(visible_aliases = ["neighbor", "neighbour"], disable_help_flag = true)]
    Neigh(Words),
    /// Print rtnetlink events as they happen: [all|link|address|route|neigh|rule] [-t].
    #[command(disable_help_flag = true)]
    Monitor(Words),
    /// Kernel parameters under /proc/sys, as sysctl(8), with its own
    /// options: [-a] [-n] [-N] [-q] [-w] [-p [FILE]] [-j] [NAME[=VALUE]...]
    /// (nlkit sysctl --help).
    #[command(disable_help_flag = true)]
    Sysctl(Words),
    /// Shell completions: nlkit completions bash|zsh|fish.
    Completions {
        /// bash, zsh or fish.
        shell: String,
    },
    /// Man pages in roff: nlkit(8), or nlkit-OBJECT(8) for an object
    /// (nlkit man link | man -l -).
    Man {
        /// An object (link, address, route, rule, neigh, monitor).
        object: Option<String>,
    },
    /// Module parameters: list modules, show, read or write (/sys/module/*/parameters).
    Modparam(ModparamArgs),
    /// The boot command line, split as the kernel splits it.
    Cmdline(CmdlineArgs),
    /// ioctl(2) request numbers: decode and encode (names from the uapi headers).
    #[command(subcommand)]
    Ioctl(IoctlCommand),
    /// Any character device (or file), for any driver: read, write, seek,
    /// ioctl (by number, name or C macro, with hex, file, int or typed
    /// fields) and mmap.
    Dev(DeviceArgs),
    /// Generic netlink families, from the controller: list | show NAME |
    /// policy NAME [--op OP], as `genl ctrl list|get|policy` (with -j too).
    #[command(subcommand)]
    Genl(GenlCommand),
    /// Process events from the proc connector (NETLINK_CONNECTOR): fork,
    /// exec, uid, gid, sid, ptrace, comm, coredump, exit, as they happen.
    #[command(name = "proc-events")]
    ProcEvents(ProcEventsArgs),
    /// The in-kernel MPTCP path manager (generic netlink mptcp_pm):
    /// endpoint show | add | delete | flush, limits show | set, as `ip mptcp`.
    #[command(disable_help_flag = true)]
    Mptcp(Words),
    /// TCP metrics per destination (generic netlink tcp_metrics): show |
    /// delete | flush, as `ip tcp_metrics`.
    #[command(name = "tcp-metrics", visible_aliases = ["tcp_metrics", "tcpmetrics"], disable_help_flag = true)]
    TcpMetrics(Words),
    /// Sockets from the kernel's socket diagnostics (NETLINK_SOCK_DIAG),
    /// with ss's options and table: [-tuwalne46H] [-N NS] [state S]...
    /// (nlkit ss --help).
    #[command(disable_help_flag = true)]
    Ss(Words),
    /// One IPv4 FIB lookup in one table (NETLINK_FIB_LOOKUP): ADDRESS
    /// [table T] [mark M] [tos T] [scope S].
    #[command(name = "fib-lookup", disable_help_flag = true)]
    FibLookup(Words),
    /// Per-task accounting (generic netlink TASKSTATS): one task or
    /// thread group, or every task as it exits (--listen).
    Taskstats(TaskstatsArgs),
    /// Kernel uevents (NETLINK_KOBJECT_UEVENT): monitor.
    #[command(subcommand)]
    Uevent(UeventCommand),
    /// Network devices through the generic netlink family netdev (Linux
    /// 6.3+): show (XDP and AF_XDP capabilities), queue, napi, qstats,
    /// page-pool.
    #[command(subcommand)]
    Netdev(NetdevCommand),
    /// Any family by its YNL spec, at run time: list its operations and
    /// attributes, run do and dump operations with JSON in and out, follow
    /// its multicast groups (as the kernel's tools/net/ynl/cli.py).
    Spec(SpecArgs),
    /// The demo kernel module (kernel/c or kernel/rust, nlkit_demo.ko): echo, register,
    /// broadcast, dump, big, listen, its generic netlink family, its device
    /// and trigger file.
    Demo(DemoArgs),
    /// `sysctl` (parsed by its own grammar: its -n and -p are sysctl(8)'s),
    /// or an unknown command.
    #[command(external_subcommand)]
    External(Vec<String>),
}

/// `nlkit spec`: one of the actions, on the spec `--spec` or `--family`
/// names.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("source").required(true).args(["spec", "family"]))]
#[command(group = clap::ArgGroup::new("action").required(true)
    .args(["list_ops", "list_attrs", "validate", "do_", "dump", "subscribe"]))]
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
    /// With --do: NLM_F_CREATE (make what does not exist).
    #[arg(long, requires = "do_")]
    pub create: bool,
    /// With --do: NLM_F_EXCL (fail if it exists).
    #[arg(long, requires = "do_")]
    pub excl: bool,
    /// With --do: NLM_F_REPLACE.
    #[arg(long, requires = "do_")]
    pub replace: bool,
    /// With --do: NLM_F_APPEND.
    #[arg(long, requires = "do_")]
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

/// The words after an object, read with `ip`'s grammar.
#[derive(Debug, Args)]
pub struct Words {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, value_name = "COMMAND")]
    pub words: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum RawCommand {
    /// Send one message (or one per line of a file) and optionally print the replies.
    Send(SendArgs),
    /// Print every message that arrives on a port or multicast groups.
    Listen(ListenArgs),
}

/// Where a socket lives and what it binds.
#[derive(Debug, Args)]
pub struct SocketArgs {
    /// Protocol number 0..31 or name (route, usersock, generic, ...).
    #[arg(long, value_parser = parse::protocol)]
    pub proto: Protocol,
    /// Bind to this port id (default: the kernel chooses).
    #[arg(long, default_value_t = 0)]
    pub port: u32,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    #[command(flatten)]
    pub socket: SocketArgs,
    /// Destination port id: 0 is the kernel.
    #[arg(long, default_value_t = 0)]
    pub to_port: u32,
    /// Multicast to these groups (1..32, comma-separated) instead of unicast.
    #[arg(long, value_parser = parse::group_mask)]
    pub groups: Option<u32>,
    /// Message type: a number, or noop, error, done, overrun.
    #[arg(long = "type", value_parser = parse::message_type, default_value = "16")]
    pub message_type: u16,
    /// Flags: names (REQUEST,ACK,DUMP,...) or numbers, separated by ',' or '|'.
    #[arg(long, value_parser = parse::flags, default_value = "REQUEST")]
    pub flags: Flags,
    /// Sequence number (incremented per line with --lines).
    #[arg(long, default_value_t = 1)]
    pub seq: u32,
    /// Port id to write into nlmsg_pid (default: this socket's own).
    #[arg(long)]
    pub header_port: Option<u32>,
    #[command(flatten)]
    pub payload: PayloadArgs,
    #[command(flatten)]
    pub shape: PayloadShape,
    /// Send all messages in one datagram (one sendmsg).
    #[arg(long, requires = "lines")]
    pub batch: bool,
    /// Send each payload as the whole datagram, without a netlink header:
    /// for protocols that frame their own (a uevent, a udev message).
    #[arg(long, conflicts_with_all = ["batch", "wait", "count", "until_timeout", "header_port"])]
    pub bare: bool,
    /// Wait for replies and print them. The wait ends when every request
    /// sent has its ending: an ERROR (an ACK or a refusal) or a DONE with
    /// its sequence number, or, for a request without ACK, its first reply
    /// that is not NLM_F_MULTI. Replies from another port than --to-port,
    /// or whose sequence number is none of the requests', are printed and
    /// said on stderr but end nothing. Not every request answered by
    /// --timeout is an error (exit 1); a refusal exits 2.
    #[arg(long)]
    pub wait: bool,
    /// Wait for exactly N replies from the destination, whatever their
    /// type or sequence number, then stop (fewer by --timeout: exit 1).
    /// For peers that answer without NLM_F_MULTI or with sequence 0.
    #[arg(long, value_name = "N", conflicts_with = "until_timeout")]
    pub count: Option<u64>,
    /// Print every reply until --timeout, with no early stop (exit 0 unless
    /// a reply was a refusal).
    #[arg(long)]
    pub until_timeout: bool,
    /// Seconds the whole wait may take (--wait, --count, --until-timeout);
    /// 0: no limit.
    #[arg(long, default_value_t = 2.0, value_parser = parse::timeout)]
    pub timeout: f64,
}

#[derive(Debug, Args)]
#[group(required = false, multiple = false)]
pub struct PayloadArgs {
    /// Payload: this text, as bytes (no NUL added: see --nul).
    #[arg(long)]
    pub text: Option<String>,
    /// Payload: these bytes in hex (spaces and ':' allowed).
    #[arg(long, value_parser = parse::hex)]
    pub hex: Option<parse::Bytes>,
    /// One message per line of this file (the line's text; its newline
    /// only with --keep-newline).
    #[arg(long)]
    pub lines: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct PayloadShape {
    /// End each payload with a NUL: a C string, as strcpy(NLMSG_DATA(nlh), ...) sends.
    #[arg(long)]
    pub nul: bool,
    /// Pad each payload with zeros to N bytes (tutorial programs send
    /// NLMSG_SPACE(1024): --pad-to 1024); a longer payload is an error.
    #[arg(long, value_name = "N")]
    pub pad_to: Option<usize>,
    /// With --lines, keep each line's newline in its message.
    #[arg(long, requires = "lines")]
    pub keep_newline: bool,
}

#[derive(Debug, Args)]
pub struct ListenArgs {
    #[command(flatten)]
    pub socket: SocketArgs,
    /// Join these multicast groups (comma-separated; any id, above 32 too).
    #[arg(long, value_delimiter = ',')]
    pub groups: Vec<u32>,
    /// Stop after this many messages.
    #[arg(long)]
    pub count: Option<u64>,
    /// Stop after this many seconds without a message (0: no limit).
    #[arg(long, value_parser = parse::timeout)]
    pub timeout: Option<f64>,
    /// The socket's receive buffer in bytes (SO_RCVBUFFORCE as root, else
    /// SO_RCVBUF), for bursts a listener must not lose.
    #[arg(long, value_name = "BYTES")]
    pub rcvbuf: Option<usize>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The module's protocol number.
    #[arg(long, global = true, default_value_t = nlkit::demo::DEMO_PROTOCOL)]
    pub proto: u32,
    /// Seconds to wait for a reply (0: no limit).
    #[arg(long, global = true, default_value_t = 5.0, value_parser = parse::timeout)]
    pub timeout: f64,
    #[command(subcommand)]
    pub command: DemoCommand,
}

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// ECHO: print what the module sends back.
    Echo {
        /// The payload.
        text: String,
        /// Ask for an ACK too (NLM_F_ACK): the echo must come before it.
        #[arg(long)]
        ack: bool,
    },
    /// ECHO each line of a file (- for stdin), checking each echo's
    /// sequence number and port id; print them.
    SendLines {
        /// The text file, one message per line.
        #[arg(value_name = "FILE|-")]
        file: PathBuf,
        /// Send the lines back to back, up to 64 per datagram.
        #[arg(long)]
        batch: bool,
    },
    /// REGISTER, then print the notifications the module sends: from its
    /// timer, and one per write to /proc/nlkit_demo_trigger.
    Register {
        /// How many notifications to wait for.
        #[arg(long, default_value_t = 3)]
        count: usize,
    },
    /// Write TEXT to /proc/nlkit_demo_trigger: the registered port gets it
    /// as a NOTIFY.
    Trigger {
        /// The notification's text (one trailing newline is dropped).
        text: String,
    },
    /// Print the messages multicast to groups of the protocol (BROADCASTs).
    Listen {
        /// Join this group; repeat or separate with ',' (above 32 too).
        #[arg(long = "group", value_delimiter = ',', default_value = "1",
              value_parser = clap::value_parser!(u32).range(1..))]
        groups: Vec<u32>,
        /// Stop after this many messages; fewer before the timeout is an error.
        #[arg(long)]
        count: Option<u64>,
    },
    /// The device /dev/nlkit_demo: a file view of the broadcast buffer.
    Dev(DevArgs),
    /// BROADCAST (with an ACK): stored for DUMP and multicast.
    Broadcast {
        /// The payload.
        text: String,
        /// Send it this many times.
        #[arg(long, default_value_t = 1)]
        count: usize,
    },
    /// DUMP: print every stored broadcast, then how many, in how many datagrams.
    Dump,
    /// BIG: check the one large reply (10000 bytes) and print its length.
    Big,
    /// Generic netlink ECHO of the family nlkit_demo: print the MSG sent back.
    GenlEcho {
        /// The MSG attribute.
        text: String,
        /// Send it this many times on one connection, following the family
        /// if its module is unloaded and loaded again; each answer (or
        /// error) on a line, with the family id it went to.
        #[arg(long, default_value_t = 1)]
        repeat: u64,
        /// Seconds between repeats.
        #[arg(long, value_parser = crate::words::values::timeout, default_value_t = 0.2)]
        interval: f64,
    },
    /// Print the id of the family's multicast group "events".
    GenlGroup,
    /// Send ECHO with a u32 as MSG, which the policy refuses (a test).
    #[command(hide = true)]
    GenlBad,
}

#[derive(Debug, Args)]
pub struct DevArgs {
    /// The device node.
    #[arg(long, value_name = "PATH", default_value = nlkit::demo::dev::DEVICE)]
    pub device: PathBuf,
    #[command(subcommand)]
    pub command: DevCommand,
}

#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// ioctl INFO: the owner (the last process to open the device: this
    /// one), data length, free space, entries.
    Info,
    /// Print the stored bytes, read(2) from the device.
    Read,
    /// Append TEXT as one entry, in one write(2).
    Write {
        /// The bytes to append (no newline added).
        text: String,
    },
    /// ioctl TRUNCATE: keep LENGTH bytes from OFFSET as the only entry.
    Truncate {
        /// The first byte kept.
        offset: u32,
        /// How many bytes to keep (clipped at the end of the data).
        length: u32,
    },
    /// mmap the buffer and print its stored bytes (the first data length
    /// bytes of the mapping).
    Map {
        /// Bytes to map, at most 16384.
        #[arg(long, default_value_t = nlkit::demo::dev::BUFSIZE)]
        len: usize,
        /// Print a hex dump instead of the bytes.
        #[arg(long)]
        hex: bool,
    },
    /// Make an ioctl the device does not know, _IO('N', 99) (a test).
    #[command(hide = true)]
    UnknownIoctl,
}

#[derive(Debug, Args)]
pub struct DeviceArgs {
    /// The device (or file), e.g. /dev/mydev.
    pub path: PathBuf,
    #[command(subcommand)]
    pub command: DeviceCommand,
}

#[derive(Debug, Subcommand)]
pub enum DeviceCommand {
    /// read(2) until end of file or --len bytes; printed as they are (--hex: a dump).
    Read {
        /// lseek(2) to this offset first.
        #[arg(long)]
        seek: Option<u64>,
        /// At most this many bytes.
        #[arg(long, default_value_t = 65536)]
        len: usize,
        /// Print a hex dump.
        #[arg(long)]
        hex: bool,
    },
    /// write(2) the bytes once (one call: the driver's answer is its count).
    Write {
        #[command(flatten)]
        data: DataArgs,
        /// lseek(2) to this offset first.
        #[arg(long)]
        seek: Option<u64>,
    },
    /// lseek(2) and print the position the driver's llseek gave.
    Seek {
        /// The offset.
        #[arg(allow_hyphen_values = true)]
        offset: i64,
        /// SEEK_SET, SEEK_CUR or SEEK_END.
        #[arg(long, value_enum, default_value = "set")]
        whence: Whence,
    },
    /// ioctl(2): REQUEST is a number, a name (TUNSETIFF) or a macro
    /// (`_IOR('m', 1, 40)`). An _IOR/_IOW/_IOWR argument is the request's
    /// size in bytes (given bytes zero-padded to it), passed by pointer and
    /// printed back; an _IO request passes --int by value (default 0), or
    /// bytes by pointer when given with --size (legacy numbers).
    Ioctl {
        /// The request.
        request: String,
        #[command(flatten)]
        arg: IoctlArgArgs,
    },
    /// mmap(2) shared, read-only unless --write-text/--write-hex, and print it.
    Mmap {
        /// Offset into the device (a multiple of the page size).
        #[arg(long, default_value_t = 0)]
        offset: u64,
        /// Bytes to map (default 4096).
        #[arg(long)]
        len: Option<usize>,
        /// Print a hex dump (the default, unless --text).
        #[arg(long)]
        hex: bool,
        /// Print the bytes as they are.
        #[arg(long, conflicts_with = "hex")]
        text: bool,
        /// Map writable and write this text at --at first.
        #[arg(long, conflicts_with = "write_hex")]
        write_text: Option<String>,
        /// Map writable and write these bytes at --at first.
        #[arg(long, value_parser = parse::hex)]
        write_hex: Option<parse::Bytes>,
        /// Where in the mapping to write.
        #[arg(long, default_value_t = 0)]
        at: usize,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Whence {
    Set,
    Cur,
    End,
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct DataArgs {
    /// This text.
    #[arg(long)]
    pub text: Option<String>,
    /// These bytes in hex.
    #[arg(long, value_parser = parse::hex)]
    pub hex: Option<parse::Bytes>,
    /// The bytes of this file.
    #[arg(long)]
    pub file: Option<PathBuf>,
}

impl DataArgs {
    /// The bytes given.
    pub fn bytes(&self) -> anyhow::Result<Vec<u8>> {
        match (&self.text, &self.hex, &self.file) {
            (Some(t), _, _) => Ok(t.as_bytes().to_vec()),
            (_, Some(h), _) => Ok(h.0.clone()),
            (_, _, Some(f)) => crate::input::read(f),
            _ => Ok(Vec::new()),
        }
    }
}

#[derive(Debug, Args)]
pub struct IoctlArgArgs {
    /// An integer passed by value (_IO requests).
    #[arg(long, conflicts_with_all = ["hex", "file", "fields"])]
    pub int: Option<u64>,
    /// The argument's bytes in hex.
    #[arg(long, value_parser = parse::hex, conflicts_with_all = ["file", "fields"])]
    pub hex: Option<parse::Bytes>,
    /// The argument's bytes from a file.
    #[arg(long, conflicts_with = "fields")]
    pub file: Option<PathBuf>,
    /// Typed fields, packed in order: u32:5,i16:-2,x64:0x10,char16:eth0,pad4
    /// (u/i/x of 8..64 bits, charN, padN); the answer prints as them too.
    #[arg(long)]
    pub fields: Option<String>,
    /// The argument's size in bytes, for numbers that do not encode one.
    #[arg(long)]
    pub size: Option<usize>,
}
