//! The arguments of the commands that send what a person typed: `raw`
//! (any protocol, any bytes), `demo` (the demo module), `dev` (character
//! devices, ioctl, mmap).

use crate::words::values as parse;
use clap::{Args, Subcommand};
use nlkit::wire::Flags;
use nlkit::Protocol;
use std::path::PathBuf;

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
        /// Bytes to map (default: a page, or a smaller file's bytes from --offset).
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
