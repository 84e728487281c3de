//! The command-line grammar, as clap definitions: here the global options
//! and the commands; each command's own arguments in `families` (the
//! kernel's channels: spec, genl, uevent, taskstats, netdev, kernel
//! parameters) and `raw` (bytes and devices: raw, demo, dev). Parsing of
//! values (protocols, flags, groups, hex) lives in `crate::words::values`;
//! behaviour in the command modules.

pub mod argv;
mod families;
mod raw;

pub use families::*;
pub use raw::*;

use clap::{ArgAction, Args, Parser, Subcommand};

/// nlkit: talk to the Linux kernel over netlink.
///
/// Objects and commands may be shortened to any unambiguous prefix; a
/// prefix several share is the ip object ip would take (r: route, n:
/// neigh, a: address, l: link).
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
    /// (`link`) or the addresses (`address`); per neighbour its address,
    /// device and link-layer address (`neigh`), as `ip -br`.
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
    /// The receive buffer of monitors, in bytes (as `ip -rcvbuf`): forced
    /// past net.core.rmem_max where the process may. Default 128 MiB (as
    /// udevadm monitor).
    #[arg(long = "rcvbuf", value_name = "SIZE", global = true)]
    pub rcvbuf: Option<usize>,
    /// Show statistics; twice for more (as `ip -s -s`).
    #[arg(short = 's', long = "stats", global = true, action = ArgAction::Count)]
    pub stats: u8,
    /// Run the commands in FILE (- for standard input), as `ip -batch`:
    /// each failure reported with its line, the batch stopped there (route
    /// changes pipelined with --force).
    #[arg(short = 'b', long = "batch", value_name = "FILE")]
    pub batch: Option<String>,
    /// With --batch: go on after a failed line (status 1 at the end). As
    /// in ip, `-f` is `-family`, not this.
    #[arg(long = "force", requires = "batch")]
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
    #[command(visible_alias = "addr", alias = "a", disable_help_flag = true)]
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
    /// Print events as they happen: rtnetlink's objects as ip monitor, and
    /// the other channels merged in: [all|link|...|uevent|proc|conntrack|
    /// xfrm|genl] [-t] [record FILE] [replay FILE].
    #[command(disable_help_flag = true)]
    Monitor(Words),
    /// Decode a capture file of netlink datagrams (pcap, LINKTYPE_NETLINK:
    /// `nlkit monitor record`, or `tcpdump -i nlmon0 -w`), FILE or - for
    /// stdin, as the monitor prints events: FILE [-t|-ts]; or one datagram
    /// in hex: hex PROTOCOL [HEX...] (stdin when no HEX) [-t|-ts].
    #[command(disable_help_flag = true)]
    Decode(Words),
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
    /// The kernel's TLS handshake upcall (generic netlink handshake):
    /// monitor | accept.
    #[command(subcommand)]
    Handshake(HandshakeCommand),
    /// WireGuard devices (generic netlink wireguard): show [DEV | all |
    /// interfaces] [dump] | showconf DEV | set DEV ... | genkey, as wg.
    #[command(disable_help_flag = true)]
    Wg(Words),
    /// TCP metrics per destination (generic netlink tcp_metrics): show |
    /// delete | flush, as `ip tcp_metrics`.
    #[command(name = "tcp-metrics", visible_aliases = ["tcp_metrics", "tcpmetrics"], disable_help_flag = true)]
    TcpMetrics(Words),
    /// The connection tracking table (NETLINK_NETFILTER, ctnetlink): show
    /// | delete | flush all, as conntrack -L prints it.
    #[command(disable_help_flag = true)]
    Conntrack(Words),
    /// IPsec SAs and policies (NETLINK_XFRM): state | policy show | add |
    /// update | delete | get | flush, monitor, as `ip xfrm`.
    #[command(disable_help_flag = true)]
    Xfrm(Words),
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
    /// The audit subsystem (NETLINK_AUDIT): status, rules, monitor.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// SELinux notices (NETLINK_SELINUX): monitor.
    #[command(subcommand)]
    Selinux(SelinuxCommand),
    /// Network devices through the generic netlink family netdev (Linux
    /// 6.3+): show (XDP and AF_XDP capabilities), queue, napi, qstats,
    /// page-pool.
    #[command(subcommand)]
    Netdev(NetdevCommand),
    /// A device's settings, features, channels, rings, pause and coalescing
    /// through the generic netlink family ethtool, driver info and
    /// statistics through SIOCETHTOOL, as ethtool prints them: DEV, -k, -K,
    /// -l, -L, -g, -G, -a, -A, -c, -C, -i, -S.
    Ethtool(EthtoolArgs),
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

/// The words after an object, read with `ip`'s grammar.
#[derive(Debug, Args)]
pub struct Words {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, value_name = "COMMAND")]
    pub words: Vec<String>,
}
