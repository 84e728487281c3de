#!/bin/busybox sh
# /init of the test VM (vmtest/run.sh copies it into the initramfs): loads
# nlkit_demo.ko, drives it with the nlkit example programs and the nlkit CLI, prints one
# PASS/FAIL line per check and reports the verdict on QEMU's isa-debug-exit
# port (0xf4): byte 0 = every check passed, byte 1 = something failed.
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
exec </dev/console >/dev/console 2>&1
echo 1 > /proc/sys/kernel/printk_ratelimit 2>/dev/null
# Kernel messages go to dmesg, not the console, so they do not interleave.
dmesg -n 1

FAILED=0
PROTO=31
T="--proto $PROTO --timeout 5"

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; FAILED=$((FAILED + 1)); }

# run NAME CMD...: runs CMD, output to /tmp/NAME.out (shown), status in $RC.
run() {
	name=$1; shift
	echo "--- $name: $*" | cut -c1-160
	"$@" > /tmp/$name.out 2>&1
	RC=$?
	cut -c1-160 /tmp/$name.out | sed 's/^/    | /'
}

# expect NAME PATTERN...: every fixed-string PATTERN is in /tmp/NAME.out.
has() {
	name=$1; shift
	for p in "$@"; do
		grep -qF -- "$p" /tmp/$name.out || return 1
	done
}

# wait_for NAME TEXT: until /tmp/NAME.out has TEXT (2 s at most).
wait_for() {
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		has "$1" "$2" && return 0
		sleep 0.1
	done
	return 1
}

verdict() {
	echo "=== dmesg (nlkit_demo and problems) ==="
	dmesg | grep -iE 'nlkit|bug|warn|leak|taint' | sed 's/^/    | /'
	if [ "$FAILED" = 0 ]; then
		echo "=== GUEST RESULT: ALL PASSED ==="
		code='\000'
	else
		echo "=== GUEST RESULT: $FAILED FAILED ==="
		code='\001'
	fi
	sync
	printf "$code" | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
	# Without the debug-exit device, power off (QEMU then exits 0: no verdict).
	poweroff -f
}

# --- SELinux notices: a boot of its own (vmtest/run.sh boots Debian's kernel
# again with "security=selinux selinux=1 nlkit_selinux"): no policy is
# loaded, so setting the enforcing mode is allowed, and each change is a
# SELNL_MSG_SETENFORCE notice on NETLINK_SELINUX's group.
if grep -q nlkit_selinux /proc/cmdline; then
	mkdir -p /sys/fs/selinux
	run semount mount -t selinuxfs selinuxfs /sys/fs/selinux
	nlkit -j selinux monitor --count 2 --timeout 10 > /tmp/semon.out 2> /tmp/semonerr.out &
	MPID=$!
	nlkit monitor selinux > /tmp/semerged.out 2>&1 &
	M2=$!
	sleep 1
	echo 1 > /sys/fs/selinux/enforce
	echo 0 > /sys/fs/selinux/enforce
	wait $MPID
	RC=$?
	sleep 0.5
	kill $M2 2>/dev/null
	cat /tmp/semon.out /tmp/semonerr.out /tmp/semerged.out | sed 's/^/    | /'
	if [ $RC = 0 ] && has semon '{"event":"setenforce","enforcing":1}' '{"event":"setenforce","enforcing":0}'; then
		pass "selinux monitor: setenforce 1 then 0, from the kernel's notices"
	else fail "selinux monitor (rc $RC)"; fi
	if has semerged "setenforce 1" "setenforce 0"; then pass "monitor selinux: the same notices merged"
	else fail "monitor selinux"; fi
	verdict
fi

echo "=== nlkit_demo VM test: kernel $(uname -r) ==="

# --- which module, which extra checks (vmtest/rust.sh's command line) -------
# nlkit_vm.ko=PATH: the module to load (default /nlkit_demo.ko);
# nlkit_vm.extra=1: our own kernel (vmtest/kernel.sh), which also has the
# boot parameters of kernel/builtin and kmemleak.
KO=/nlkit_demo.ko
EXTRA=0
for arg in $(cat /proc/cmdline); do
	case $arg in
	nlkit_vm.ko=*) KO=${arg#nlkit_vm.ko=} ;;
	nlkit_vm.extra=*) EXTRA=${arg#nlkit_vm.extra=} ;;
	esac
done
KMEMLEAK=/sys/kernel/debug/kmemleak
if [ "$EXTRA" = 1 ]; then
	mount -t debugfs debugfs /sys/kernel/debug
	# What the kernel leaked while booting is not the module's: report it
	# now (objects count once 5 s old), then mark it as seen.
	while [ "$(cut -d. -f1 /proc/uptime)" -lt 6 ]; do sleep 0.5; done
	echo scan > $KMEMLEAK; echo clear > $KMEMLEAK
fi

# --- load -------------------------------------------------------------
run insmod insmod $KO greeting=booted
if [ $RC = 0 ] && [ -d /sys/module/nlkit_demo ]; then pass "insmod $KO"
else fail "insmod $KO (rc $RC)"; verdict; fi

# --- boot parameters (__setup, built into our kernel) ---------------------------
if [ "$EXTRA" = 1 ]; then
	printf 'int=5\nlist=1,2,7,8,9\nstr=hello\n' > /tmp/boot.want
	if cmp -s /proc/nlkit_boot /tmp/boot.want; then
		pass "boot parameters nlkit_int=5 nlkit_list=1,2,7-9 nlkit_str=hello read back from /proc/nlkit_boot"
	else fail "/proc/nlkit_boot: '$(cat /proc/nlkit_boot)'"; fi
	if ! (echo x > /proc/nlkit_boot) 2>/dev/null; then pass "/proc/nlkit_boot is read-only"
	else fail "/proc/nlkit_boot is writable"; fi
	# nlkit reads /proc/cmdline with the kernel's rules and the same list.
	run cmdline nlkit -j cmdline
	if [ $RC = 0 ] && has cmdline '"param":"nlkit_list","value":"1,2,7-9","ints":[1,2,7,8,9]' \
		'"param":"nlkit_int","value":"5","ints":[5]' '"param":"nlkit_str","value":"hello"}'; then
		pass "nlkit -j cmdline: nlkit_list=1,2,7-9 reads as [1,2,7,8,9], as __setup's get_options did"
	else fail "nlkit -j cmdline (rc $RC)"; fi
fi

# --- parameters --------------------------------------------------------
P=/sys/module/nlkit_demo/parameters
if [ "$(cat $P/proto)" = 31 ]; then pass "parameter proto reads 31"
else fail "parameter proto reads '$(cat $P/proto)'"; fi
if [ "$(cat $P/wide_group)" = 33 ]; then pass "parameter wide_group reads 33"
else fail "parameter wide_group reads '$(cat $P/wide_group)'"; fi
if [ "$(cat $P/greeting)" = booted ] && echo changed > $P/greeting \
	&& [ "$(cat $P/greeting)" = changed ]; then pass "parameter greeting set at insmod and writable"
else fail "parameter greeting (reads '$(cat $P/greeting)')"; fi
if [ ! -e $P/secret ]; then pass "parameter secret (perm 0) is not in sysfs"
else fail "parameter secret is visible in sysfs"; fi
if ! (echo 30 > $P/proto) 2>/dev/null; then pass "parameter proto is read-only"
else fail "parameter proto is writable"; fi

# --- ECHO ----------------------------------------------------------------
run sendto nl-sendto $T --text "hello kernel"
if [ $RC = 0 ] && has sendto "received from port 0: hello kernel"; then pass "nl-sendto: echo"
else fail "nl-sendto: echo (rc $RC)"; fi

run sendmsg nl-sendmsg $T --text "two iovecs"
if [ $RC = 0 ] && has sendmsg "received from port 0: two iovecs"; then pass "nl-sendmsg: echo"
else fail "nl-sendmsg: echo (rc $RC)"; fi

printf 'first line\nsecond line\nthird line\n' > /tmp/lines.txt
run lines nl-send-lines $T /tmp/lines.txt
if [ $RC = 0 ] && has lines "seq 1: first line" "seq 3: third line" "3 lines sent, 3 echoed"; then
	pass "nl-send-lines: one by one"
else fail "nl-send-lines: one by one (rc $RC)"; fi

run batch nl-send-lines $T --batch /tmp/lines.txt
if [ $RC = 0 ] && has batch "seq 1: first line" "seq 2: second line" "3 lines sent, 3 echoed"; then
	pass "nl-send-lines --batch: one datagram"
else fail "nl-send-lines --batch (rc $RC)"; fi

# --- trigger: nobody has registered yet ---------------------------------------
if [ "$(stat -c %a /proc/nlkit_demo_trigger)" = 200 ]; then pass "/proc/nlkit_demo_trigger exists, mode 0200"
else fail "/proc/nlkit_demo_trigger mode '$(stat -c %a /proc/nlkit_demo_trigger)'"; fi
run trig0 nlkit demo trigger "too early"
if [ $RC != 0 ] && has trig0 "Transport endpoint is not connected"; then
	pass "nlkit demo trigger before any REGISTER: ENOTCONN"
else fail "trigger before any REGISTER (rc $RC)"; fi

# --- REGISTER / NOTIFY -------------------------------------------------------
run register nl-register $T --count 3
if [ $RC = 0 ] && has register "seq 1: notification 1" "seq 2: notification 2" "seq 3: notification 3"; then
	pass "nl-register: 3 notifications from the kernel"
else fail "nl-register (rc $RC)"; fi

# --- BROADCAST ----------------------------------------------------------------
# Two listeners on group 1 (nl-group-listen and nlkit demo listen), and two
# on group 33 (above 32: NETLINK_ADD_MEMBERSHIP).
nl-group-listen $T --count 1 > /tmp/listen1.out 2>&1 &
L1=$!
nlkit demo listen $T --group 1 --count 1 > /tmp/listen1b.out 2>&1 &
L1B=$!
nl-group-listen $T --group 33 --count 1 > /tmp/listen33.out 2>&1 &
L33=$!
nlkit demo listen $T --group 33 --count 1 > /tmp/listen33b.out 2>&1 &
L33B=$!
wait_for listen1 "listening on group"; wait_for listen33 "listening on group"
wait_for listen1b "listening on protocol"; wait_for listen33b "listening on protocol"
run bcast nl-sendto $T --type broadcast --text "broadcast text"
wait $L1; R1=$?
wait $L1B; R1B=$?
wait $L33; R33=$?
wait $L33B; R33B=$?
echo "--- listeners:"; sed 's/^/    | /' /tmp/listen1.out /tmp/listen1b.out /tmp/listen33.out /tmp/listen33b.out
if [ $RC = 0 ] && [ $R1 = 0 ] && has listen1 "group 1 from port 0" "broadcast text"; then
	pass "nl-group-listen: broadcast received on group 1"
else fail "broadcast on group 1 (sender rc $RC, listener rc $R1)"; fi
if [ $R1 = 0 ] && [ $R1B = 0 ] && has listen1 "broadcast text" \
	&& has listen1b "group 1 from port 0 seq " "broadcast: broadcast text"; then
	pass "broadcast to a group of two listeners: both on group 1 received it (nlkit demo listen too)"
else fail "second listener on group 1 (nlkit demo listen rc $R1B)"; fi
if [ $R33 = 0 ] && has listen33 "group 33 from port 0" "broadcast text"; then
	pass "nl-group-listen --group 33: broadcast received on group 33"
else fail "broadcast on group 33 (listener rc $R33)"; fi
if [ $R33B = 0 ] && has listen33b "group 33 from port 0 seq " "broadcast: broadcast text"; then
	pass "nlkit demo listen --group 33: broadcast received on group 33"
else fail "nlkit demo listen --group 33 (rc $R33B)"; fi

if grep -qF "broadcast text" /proc/nlkit_demo_buffer; then pass "/proc/nlkit_demo_buffer has the broadcast text"
else fail "/proc/nlkit_demo_buffer: '$(cat /proc/nlkit_demo_buffer)'"; fi
if ! (echo x > /proc/nlkit_demo_buffer) 2>/dev/null; then pass "/proc/nlkit_demo_buffer is read-only"
else fail "/proc/nlkit_demo_buffer is writable"; fi

# Fill the 16 KiB buffer: 4 KiB payloads until one no longer fits. A refused
# BROADCAST is answered with NLMSG_ERROR -ENOSPC, which nl-sendto (expecting
# no answer) does not read, so check that the buffer stops growing at 16 KiB.
BIG=$(head -c 4000 /dev/zero | tr '\0' 'x')
for i in 1 2 3 4 5; do nl-sendto $T --type broadcast --text "$BIG" > /dev/null 2>&1; done
SIZE=$(wc -c < /proc/nlkit_demo_buffer)
if [ "$SIZE" = $((14 + 4 * 4000)) ]; then pass "buffer full: stays at $SIZE bytes (<= 16384), fifth 4000-byte broadcast refused"
else fail "buffer size after filling: $SIZE"; fi
# The refusal itself, read back with the nlkit CLI (BROADCAST with NLM_F_ACK).
run enospc nlkit raw send --proto $PROTO --type 0x23 --flags REQUEST,ACK --text "$BIG" --wait --timeout 5
if [ $RC != 0 ] && has enospc "No space left on device"; then pass "BROADCAST into a full buffer: NLMSG_ERROR -ENOSPC"
else fail "BROADCAST into a full buffer (rc $RC)"; fi

# --- a forged nlmsg_pid does not redirect the echo ---------------------------------
run forged nlkit raw send --proto $PROTO --type 0x20 --flags REQUEST,ACK --header-port 4242 --text forged --wait --timeout 5
if [ $RC = 0 ] && has forged "forged"; then pass "ECHO with nlmsg_pid forged to 4242 answered to the real sender"
else fail "ECHO with a forged nlmsg_pid (rc $RC)"; fi

# --- nlkit demo: the library's typed clients (crates/nlkit/src/demo.rs) ----------
run demoecho nlkit demo echo hi
if [ $RC = 0 ] && [ "$(cat /tmp/demoecho.out)" = hi ] && [ "$(wc -c < /tmp/demoecho.out)" = 3 ]; then pass "nlkit demo echo hi: prints hi"
else fail "nlkit demo echo (rc $RC)"; fi

run big nlkit demo big
BIGLEN=$(sed -n 's/^\([0-9]*\) bytes, pattern ok.*/\1/p' /tmp/big.out)
if [ $RC = 0 ] && [ -n "$BIGLEN" ] && [ "$BIGLEN" -gt 4096 ]; then
	pass "nlkit demo big: one reply of $BIGLEN bytes (> 4096), pattern a..z ok"
else fail "nlkit demo big (rc $RC)"; fi

run dump5 nlkit demo dump
if [ $RC = 0 ] && has dump5 "5 entries in" && [ "$(head -1 /tmp/dump5.out)" = "broadcast text" ] \
	&& [ "$(wc -l < /tmp/dump5.out)" = 6 ]; then
	pass "nlkit demo dump: the 5 stored broadcasts ($(tail -1 /tmp/dump5.out | cut -d'(' -f1 | sed 's/ *$//'))"
else fail "nlkit demo dump of the full buffer (rc $RC)"; fi

run demoreg nlkit demo register --count 3
if [ $RC = 0 ] && has demoreg "seq 1: notification 1" "seq 3: notification 3"; then
	pass "nlkit demo register --count 3: 3 notifications"
else fail "nlkit demo register (rc $RC)"; fi

# A notification on demand: 3 from the timer, 1 from the trigger file.
nlkit demo register $T --count 4 > /tmp/reg4.out 2>&1 &
LR=$!
wait_for reg4 "registered as port"
run trig1 nlkit demo trigger "interrupt 1"
wait $LR; RR=$?
echo "--- register --count 4:"; sed 's/^/    | /' /tmp/reg4.out
if [ $RC = 0 ] && [ $RR = 0 ] && has reg4 "seq 1: notification 1" "seq 2: notification 2" \
	"seq 3: notification 3" "seq 1: interrupt 1" && [ "$(grep -c '^seq ' /tmp/reg4.out)" = 4 ]; then
	pass "nlkit demo register --count 4 + nlkit demo trigger: 3 timer notifications and the triggered one (seq 1)"
else fail "register with a trigger (trigger rc $RC, register rc $RR)"; fi
run trig2 nlkit demo trigger "nobody home"
if [ $RC != 0 ] && has trig2 "Connection refused"; then pass "trigger to a registered port since closed: ECONNREFUSED"
else fail "trigger to a closed port (rc $RC)"; fi
# Timer off (notify_count 0): only triggered notifications, numbered on.
echo 0 > /sys/module/nlkit_demo/parameters/notify_count
nlkit demo register $T --count 2 > /tmp/reg2.out 2>&1 &
LR=$!
wait_for reg2 "registered as port"
echo "from the shell" > /proc/nlkit_demo_trigger; RS=$?
run trig3 nlkit demo trigger "second"
wait $LR; RR=$?
echo "--- register --count 2:"; sed 's/^/    | /' /tmp/reg2.out
if [ $RS = 0 ] && [ $RC = 0 ] && [ $RR = 0 ] && has reg2 "seq 2: from the shell" "seq 3: second" \
	&& ! grep -q "^seq [0-9]*: notification" /tmp/reg2.out; then
	pass "notify_count 0: only the 2 triggered notifications (seq 2, 3; the shell's newline stripped)"
else fail "triggered notifications with notify_count 0 (shell rc $RS, trigger rc $RC, register rc $RR)"; fi
echo 3 > /sys/module/nlkit_demo/parameters/notify_count

# ACK manners: an ECHO with NLM_F_ACK is answered by the echo, then the ACK.
run ackecho nlkit -j raw send --proto $PROTO --type 0x20 --flags REQUEST,ACK --text acked --wait --timeout 5
if [ $RC = 0 ] && [ "$(wc -l < /tmp/ackecho.out)" = 2 ] \
	&& sed -n 1p /tmp/ackecho.out | grep -qF '"type":32' && sed -n 1p /tmp/ackecho.out | grep -qF '"text":"acked"' \
	&& sed -n 2p /tmp/ackecho.out | grep -qF '"type":2' && sed -n 2p /tmp/ackecho.out | grep -qF '"errno":0'; then
	pass "ECHO with NLM_F_ACK: the echo, then an ACK (errno 0)"
else fail "ECHO with NLM_F_ACK (rc $RC)"; fi
run demoack nlkit demo echo --ack acked
if [ $RC = 0 ] && [ "$(cat /tmp/demoack.out)" = acked ]; then pass "nlkit demo echo --ack: echo before the ACK"
else fail "nlkit demo echo --ack (rc $RC)"; fi

# send-lines: every echo checked for sequence number and port id.
run dsl nlkit demo send-lines /tmp/lines.txt
if [ $RC = 0 ] && has dsl "seq 1: first line" "seq 3: third line" "3 lines sent, 3 echoed"; then
	pass "nlkit demo send-lines: one by one"
else fail "nlkit demo send-lines (rc $RC)"; fi
seq 1 100 | sed 's/^/line /' > /tmp/lines100.txt
echo "--- dsl100: nlkit demo send-lines --batch - < /tmp/lines100.txt (echoes not shown)"
nlkit demo send-lines --batch - < /tmp/lines100.txt > /tmp/dsl100.out 2>&1
RC=$?
tail -1 /tmp/dsl100.out | sed 's/^/    | /'
if [ $RC = 0 ] && has dsl100 "seq 1: line 1" "seq 100: line 100" "100 lines sent, 100 echoed"; then
	pass "nlkit demo send-lines --batch - (stdin): 100 lines, up to 64 per datagram, all echoed in order"
else fail "nlkit demo send-lines --batch (rc $RC)"; fi

run genlecho nlkit demo genl-echo hello
if [ $RC = 0 ] && [ "$(cat /tmp/genlecho.out)" = hello ]; then pass "nlkit demo genl-echo hello: family nlkit_demo answers hello"
else fail "nlkit demo genl-echo (rc $RC)"; fi

LONG=$(head -c 300 /dev/zero | tr '\0' 'z')
run genllong nlkit demo genl-echo "$LONG"
if [ $RC != 0 ] && has genllong "Error:"; then pass "genl ECHO of 300 bytes: refused by the policy (max 256)"
else fail "genl ECHO of 300 bytes (rc $RC)"; fi

run genlbad nlkit demo genl-bad
if [ $RC != 0 ] && has genlbad "Attribute failed policy validation"; then
	pass "genl ECHO with a u32 MSG: refused with the policy's extended-ack text"
else fail "genl ECHO with a wrong-typed MSG (rc $RC)"; fi

# The same family through its YNL spec (kernel/nlkit_demo.yaml), with no code
# of its own: nlkit spec builds, checks and reads it by the spec's names.
SPEC=/nlkit_demo.yaml
run spececho nlkit spec --spec $SPEC --do echo --json '{"msg": "hi from the spec"}'
if [ $RC = 0 ] && [ "$(cat /tmp/spececho.out)" = '{"msg":"hi from the spec"}' ]; then
	pass "nlkit spec --do echo: the module answers by its spec's names"
else fail "nlkit spec --do echo (rc $RC)"; fi
run speclong nlkit spec --spec $SPEC --do echo --json "{\"msg\": \"$LONG\"}"
if [ $RC = 1 ] && has speclong "msg: 300 bytes is longer than the 256 allowed"; then
	pass "nlkit spec: a 300-byte msg refused before sending, by the spec's max-len"
else fail "nlkit spec with a 300-byte msg (rc $RC)"; fi
run specops nlkit spec --spec $SPEC --list-ops
if [ $RC = 0 ] && has specops "echo" "event" "multicast groups: events"; then pass "nlkit spec --list-ops"
else fail "nlkit spec --list-ops (rc $RC)"; fi

# --- errors --------------------------------------------------------------------
run unknown nl-sendto $T --type 0x30 --text "what"
if [ $RC != 0 ] && { has unknown "Operation not supported" || has unknown "unknown message type"; }; then
	pass "unknown type 0x30 refused with EOPNOTSUPP"
else fail "unknown type 0x30 (rc $RC)"; fi

# --- sysctls ------------------------------------------------------------------------
S=/proc/sys/nlkit_demo
if [ "$(cat $S/level)" = 1 ] && [ "$(cat $S/name)" = nlkit ]; then pass "sysctl nlkit_demo.level = 1, name = nlkit"
else fail "sysctl defaults: level '$(cat $S/level)', name '$(cat $S/name)'"; fi
echo 5 > $S/level; echo renamed > $S/name
if [ "$(cat $S/level)" = 5 ] && [ "$(cat $S/name)" = renamed ]; then pass "sysctls are writable"
else fail "sysctl writes: level '$(cat $S/level)', name '$(cat $S/name)'"; fi
(echo 11 > $S/level) 2>/dev/null
if [ "$(cat $S/level)" = 5 ]; then pass "sysctl level refuses 11 (range 0..10)"
else fail "sysctl level took 11: '$(cat $S/level)'"; fi

# --- /dev/nlkit_demo: the broadcast buffer as a file, through nlkit demo dev ------
if [ -c /dev/nlkit_demo ]; then pass "/dev/nlkit_demo is a character device"
else fail "/dev/nlkit_demo is missing"; fi
# val NAME KEY: the value of "KEY value" in /tmp/NAME.out (nlkit demo dev info).
val() { sed -n "s/^$2 //p" /tmp/$1.out; }
# dump_entries: how many entries DUMP returns.
dump_entries() { nlkit demo dump 2>&1 | sed -n 's/^\([0-9]*\) entries in.*/\1/p'; }
PROCLEN=$(wc -c < /proc/nlkit_demo_buffer)
NENT=$(dump_entries)
run devinfo nlkit demo dev info
if [ $RC = 0 ] && [ "$(val devinfo owner_comm)" = nlkit ] && [ -n "$(val devinfo owner_pid)" ] \
	&& [ "$(val devinfo owner_pid)" = "$(val devinfo self_pid)" ]; then
	pass "dev info: the owner is the nlkit process that asked (pid $(val devinfo owner_pid), comm nlkit)"
else fail "dev info: owner (rc $RC)"; fi
if [ "$(val devinfo data_len)" = "$PROCLEN" ] && [ "$(val devinfo free_space)" = $((16384 - PROCLEN)) ] \
	&& [ -n "$NENT" ] && [ "$(val devinfo entries)" = "$NENT" ]; then
	pass "dev info: data_len $PROCLEN = /proc/nlkit_demo_buffer's size, free_space $((16384 - PROCLEN)) = 16384 - data_len, entries $NENT = DUMP's"
else fail "dev info: data_len '$(val devinfo data_len)' free_space '$(val devinfo free_space)' entries '$(val devinfo entries)' (procfs $PROCLEN bytes, DUMP $NENT entries)"; fi
run devinfoj nlkit demo dev info -j
if [ $RC = 0 ] && has devinfoj '"owner_comm":"nlkit"' "\"data_len\":$PROCLEN,"; then pass "dev info -j: JSON"
else fail "dev info -j (rc $RC)"; fi

run devwrite nlkit demo dev write "device text"
run devinfo2 nlkit demo dev info
if [ $RC = 0 ] && [ "$(val devinfo2 data_len)" = $((PROCLEN + 11)) ] && [ "$(val devinfo2 entries)" = $((NENT + 1)) ] \
	&& [ "$(tail -c 11 /proc/nlkit_demo_buffer)" = "device text" ] \
	&& [ "$(nlkit demo dump | tail -2 | head -1)" = "device text" ]; then
	pass "dev write appends one entry: data_len +11, entries +1, last in procfs and DUMP"
else fail "dev write (info rc $RC, data_len '$(val devinfo2 data_len)', entries '$(val devinfo2 entries)')"; fi
FREE=$(val devinfo2 free_space)
run devfull nlkit demo dev write "$(head -c $((FREE + 1)) /dev/zero | tr '\0' 'w')"
if [ $RC != 0 ] && has devfull "No space left on device" && [ "$(wc -c < /proc/nlkit_demo_buffer)" = $((PROCLEN + 11)) ]; then
	pass "dev write of free_space + 1 = $((FREE + 1)) bytes: ENOSPC, nothing stored"
else fail "dev write into a full buffer (rc $RC)"; fi

echo "--- devread: nlkit demo dev read > /tmp/devread.bin"
nlkit demo dev read > /tmp/devread.bin; RC=$?
if [ $RC = 0 ] && cmp /tmp/devread.bin /proc/nlkit_demo_buffer; then
	pass "dev read: the same $(wc -c < /tmp/devread.bin) bytes as /proc/nlkit_demo_buffer"
else fail "dev read differs from procfs (rc $RC)"; fi
echo "--- devmap: nlkit demo dev map > /tmp/devmap.bin"
nlkit demo dev map > /tmp/devmap.bin; RC=$?
if [ $RC = 0 ] && cmp /tmp/devmap.bin /proc/nlkit_demo_buffer; then
	pass "dev map: the mapped buffer's stored bytes equal /proc/nlkit_demo_buffer ($(wc -c < /tmp/devmap.bin) bytes)"
else fail "dev map differs from procfs (rc $RC)"; fi
nlkit demo dev map --len 4096 > /tmp/devmap4k.bin; RC=$?
head -c 4096 /proc/nlkit_demo_buffer > /tmp/proc4k.bin
if [ $RC = 0 ] && cmp /tmp/devmap4k.bin /tmp/proc4k.bin; then pass "dev map --len 4096: the first page"
else fail "dev map --len 4096 (rc $RC)"; fi
run devmapbig nlkit demo dev map --len 20480
if [ $RC != 0 ] && has devmapbig "Invalid argument"; then pass "dev map of 20480 bytes (> 16384): EINVAL"
else fail "dev map past the buffer (rc $RC)"; fi

# TRUNCATE: bytes 10..18 are "text" (of "broadcast text") and "xxxx".
run devtrunc nlkit demo dev truncate 10 8
run devinfo3 nlkit demo dev info
if [ $RC = 0 ] && has devtrunc "kept 8 bytes in 1 entries" && [ "$(val devinfo3 data_len)" = 8 ] \
	&& [ "$(val devinfo3 free_space)" = 16376 ] && [ "$(val devinfo3 entries)" = 1 ] \
	&& [ "$(cat /proc/nlkit_demo_buffer)" = textxxxx ] && [ "$(nlkit demo dev read)" = textxxxx ] \
	&& [ "$(nlkit demo dev map)" = textxxxx ]; then
	pass "dev truncate 10 8: info, read, map and procfs show the window 'textxxxx'"
else fail "dev truncate 10 8 (rc $RC, procfs '$(head -c 40 /proc/nlkit_demo_buffer)')"; fi
run devdump nlkit demo dump
if [ $RC = 0 ] && [ "$(head -1 /tmp/devdump.out)" = textxxxx ] && has devdump "1 entries in"; then
	pass "DUMP after the truncate: one entry, the window"
else fail "DUMP after the truncate (rc $RC)"; fi
run devbad nlkit demo dev truncate 9 1
if [ $RC != 0 ] && has devbad "Invalid argument" && [ "$(cat /proc/nlkit_demo_buffer)" = textxxxx ]; then
	pass "dev truncate 9 1 (offset > data_len 8): EINVAL, data unchanged"
else fail "dev truncate with offset > data_len (rc $RC)"; fi
run devunk nlkit demo dev unknown-ioctl
if [ $RC != 0 ] && has devunk "Inappropriate ioctl for device"; then pass "unknown ioctl _IO('N', 99): ENOTTY"
else fail "unknown ioctl (rc $RC)"; fi
run devempty nlkit demo dev truncate 8 100
if [ $RC = 0 ] && has devempty "kept 0 bytes in 0 entries" && [ "$(wc -c < /proc/nlkit_demo_buffer)" = 0 ] \
	&& [ "$(dump_entries)" = 0 ]; then
	pass "dev truncate 8 100 (offset = data_len): empty, no entries"
else fail "dev truncate at the end (rc $RC)"; fi

# --- a transcript: what the module answers, byte for byte ----------------------
# Every reply in hex (`nlkit raw send -j`, from a fixed port id) and the
# device's answers, one "T| " line each; vmtest/rust.sh compares the Rust
# module's transcript with the C module's on the same kernel. The buffer is
# empty here. Owner pids differ from run to run and are left out.
transcript() {
	name=$1; shift
	"$@" > /tmp/t.out 2>&1
	echo "rc=$?" >> /tmp/t.out
	grep -v '_pid' /tmp/t.out | sed "s/^/T| $name: /"
}
R="nlkit raw send -j --proto $PROTO --port 7000 --timeout 5 --wait"
transcript bc1 $R --type 0x23 --flags REQUEST,ACK --seq 1 --text alpha
transcript bc2 $R --type 0x23 --flags REQUEST,ACK --seq 2 --text "beta, longer"
transcript dump $R --type 0x24 --flags REQUEST,DUMP --seq 3
transcript dumpnoflag $R --type 0x24 --flags REQUEST,ACK --seq 4
transcript echo $R --type 0x20 --flags REQUEST,ACK --seq 5 --text "odd length"
transcript forged $R --type 0x20 --flags REQUEST,ACK --seq 6 --header-port 4242 --text forged
transcript unknown $R --type 0x30 --flags REQUEST,ACK --seq 7 --text what
transcript big $R --type 0x25 --flags REQUEST,ACK --seq 8
transcript info nlkit demo dev info
transcript read nlkit demo dev read
transcript map nlkit demo dev map --hex
transcript cut nlkit demo dev truncate 2 7
transcript cutread nlkit demo dev read
transcript cutbad nlkit demo dev truncate 99 1
transcript genlecho nlkit demo genl-echo transcript
transcript genlbad nlkit demo genl-bad
transcript genllong nlkit demo genl-echo "$LONG"
nlkit demo broadcast "$BIG" --count 4 > /dev/null 2>&1
transcript enospc $R --type 0x23 --flags REQUEST,ACK --seq 9 --text "$BIG"
transcript fullinfo nlkit demo dev info
nlkit demo dev truncate 0 0 > /dev/null 2>&1

# --- another protocol by parameter ---------------------------------------------
# The controller's notify group sees the family go and come back.
nlkit genl monitor --count 4 --timeout 20 > /tmp/genlmon.out 2>/dev/null &
GENLMON=$!
# One connection echoing all along: it must follow the family across the
# rmmod and insmod (a new id), and say the family went away in between.
nlkit demo genl-echo hi --repeat 30 --interval 0.2 > /tmp/genlfollow.out 2>&1 &
GENLFOLLOW=$!
sleep 0.5
run rmmod rmmod nlkit_demo
if [ $RC = 0 ] && [ ! -d /sys/module/nlkit_demo ] && [ ! -e /proc/nlkit_demo_buffer ] \
	&& [ ! -e /proc/sys/nlkit_demo ] && [ ! -e /dev/nlkit_demo ]; then
	pass "rmmod nlkit_demo (proc entry, sysctls and device gone)"
else fail "rmmod nlkit_demo (rc $RC)"; fi

run gone nl-sendto $T --text "anyone?"
if [ $RC != 0 ] && has gone "not supported"; then pass "after rmmod, protocol 31 is gone"
else fail "after rmmod, protocol 31 (rc $RC)"; fi

sleep 0.6 # echoes that find no family
run insmod25 insmod $KO proto=25 wide_group=0
wait $GENLFOLLOW
cut -c1-160 /tmp/genlfollow.out | sed 's/^/    | /'
if has genlfollow "hi (family id" 'family "nlkit_demo" went away' \
	&& [ "$(tail -n 2 /tmp/genlfollow.out | head -n 1 | cut -d' ' -f1)" = hi ]; then
	pass "genl family cache: echoes before rmmod, 'went away' between, echoes again after insmod (one connection)"
else fail "genl family cache across rmmod/insmod"; fi
wait $GENLMON
cut -c1-160 /tmp/genlmon.out | sed 's/^/    | /'
if has genlmon "delgroup nlkit_demo" "delfamily nlkit_demo" "newfamily nlkit_demo" "newgroup nlkit_demo"; then
	pass "nlkit genl monitor: the family and its group going (rmmod) and coming back (insmod)"
else fail "nlkit genl monitor"; fi
run echo25 nl-sendto --proto 25 --timeout 5 --text "on 25"
if [ $RC = 0 ] && has echo25 "received from port 0: on 25"; then pass "insmod proto=25: echo on protocol 25"
else fail "echo on protocol 25 (rc $RC)"; fi
# The generic netlink family: every BROADCAST also goes to its group "events".
run genlgroup nlkit demo genl-group
G=$(cat /tmp/genlgroup.out)
if [ $RC = 0 ] && [ -n "$G" ] && [ "$G" -gt 0 ] 2>/dev/null; then pass "nlkit demo genl-group: events is group $G"
else fail "nlkit demo genl-group (rc $RC)"; G=0; fi
nlkit raw listen --proto generic --groups $G --count 1 --timeout 5 > /tmp/genlev.out 2>&1 &
LG=$!
wait_for genlev "listening on protocol"
run genlbc nlkit demo --proto 25 broadcast "genl event"
wait $LG; RL=$?
echo "--- listener:"; sed 's/^/    | /' /tmp/genlev.out
if [ $RC = 0 ] && [ $RL = 0 ] && has genlev "group $G" \
	&& { has genlev "genl event" || has genlev 67656e6c206576656e74; }; then
	pass "nlkit raw listen --proto generic --groups $G: the broadcast arrives as a genl event"
else fail "genl events group (sender rc $RC, listener rc $RL)"; fi

# DUMP: 150 more broadcasts of 100 bytes (151 entries, ~17 KB of messages).
X100=$(head -c 100 /dev/zero | tr '\0' 'y')
run bc150 nlkit demo --proto 25 broadcast "$X100" --count 150
echo "--- dump151: nlkit demo --proto 25 dump (entries not shown)"
nlkit demo --proto 25 dump > /tmp/dump151.out 2>&1
RC=$?
grep -v "^$X100\$" /tmp/dump151.out | sed 's/^/    | /'
DGRAMS=$(sed -n 's/^151 entries in \([0-9]*\) datagrams.*/\1/p' /tmp/dump151.out)
NY=$(grep -c "^$X100\$" /tmp/dump151.out)
if [ $RC = 0 ] && [ "$NY" = 150 ] && [ -n "$DGRAMS" ] && [ "$DGRAMS" -gt 2 ]; then
	pass "nlkit demo dump after 151 broadcasts: 151 entries in $((DGRAMS - 1)) datagrams of NLM_F_MULTI messages, then NLMSG_DONE"
else fail "nlkit demo dump of 151 entries (rc $RC, $NY of 150, datagrams '$DGRAMS')"; fi

# The "events" group through the spec: by name, and decoded (after the
# DUMP count above, which this broadcast would change).
nlkit spec --spec $SPEC --subscribe events --count 1 --timeout 5 > /tmp/specev.out 2>&1 &
LS=$!
sleep 1
run specbc nlkit demo --proto 25 broadcast "spec event"
wait $LS; RL=$?
echo "--- spec listener:"; sed 's/^/    | /' /tmp/specev.out
if [ $RC = 0 ] && [ $RL = 0 ] && has specev '{"name":"event","msg":{"msg":"spec event"}}'; then
	pass "nlkit spec --subscribe events: the broadcast arrives as the spec's event, decoded"
else fail "nlkit spec --subscribe events (sender rc $RC, listener rc $RL)"; fi

# A registration still pending at rmmod: the timer must be stopped cleanly.
echo 1000 > /sys/module/nlkit_demo/parameters/notify_interval_ms
nl-sendto --proto 25 --timeout 5 --type register --text "" > /dev/null 2>&1
run rmmod25 rmmod nlkit_demo
if [ $RC = 0 ]; then pass "rmmod with a notification timer pending"
else fail "rmmod with a notification timer pending (rc $RC)"; fi
sleep 1.2

# --- kmemleak: nothing the module allocated is left -----------------------------
if [ "$EXTRA" = 1 ]; then
	# A leaked object is reported once 5 s old and unreferenced: wait, then scan
	# twice (a stale pointer on a stack can hide an object from one scan).
	sleep 5
	# An absent or disabled kmemleak must fail, not read as "no leak".
	if ! { echo scan > $KMEMLEAK && echo scan > $KMEMLEAK && cat $KMEMLEAK > /tmp/kmemleak.out; }; then
		fail "kmemleak is not available at $KMEMLEAK"
	elif [ ! -s /tmp/kmemleak.out ]; then pass "kmemleak after rmmod: no leak"
	else fail "kmemleak after rmmod:"; head -60 /tmp/kmemleak.out | sed 's/^/    | /'; fi
fi

# --- what only our kernel has: netdevsim and WireGuard (vmtest/guest-net.sh) -------
if [ "$EXTRA" = 1 ]; then
	. /guest-net.sh
fi

# --- a module that answers badly (kernel/c/nlkit_hostile.c) ---------------------
# Every broken reply from a kernel family ends in a clear error within the
# deadline (1 s) plus 2 s, and the same connection works right after.
if [ -e /nlkit_hostile.ko ]; then
	run insmodhostile insmod /nlkit_hostile.ko
	run hostile nl-hostile-genl
	if [ $RC = 0 ] && has hostile "nests deeper than 32 levels" "an earlier dump on this socket" \
		"read: 262139 attributes"; then
		pass "nl-hostile-genl: 13 broken replies from a kernel family, each said within its bound, the connection usable after each"
	else fail "nl-hostile-genl (rc $RC)"; fi
	sed 's/^/H| /' /tmp/hostile.out
	run rmmodhostile rmmod nlkit_hostile
	if [ $RC = 0 ]; then pass "rmmod nlkit_hostile with its endless dump abandoned"
	else fail "rmmod nlkit_hostile (rc $RC)"; fi
fi

# --- audit: the status set, a rule added and deleted (this VM's own state) --------
# (The host's audit state is the whole machine's: only changed here.)
run auditstatus0 nlkit audit status
if [ $RC = 0 ]; then
	run auditset nlkit audit set --backlog-limit 321 --rate-limit 7
	run auditstatus nlkit -j audit status
	if has auditstatus '"backlog_limit":321' '"rate_limit":7'; then
		pass "nlkit audit set --backlog-limit 321 --rate-limit 7: read back by audit status"
	else fail "nlkit audit set (rc $RC)"; fi
	RULE="-S open,257 -F arch=b64 -F auid>=1000 -F key=nlkit-vm"
	run auditadd nlkit audit rule add always,exit $RULE
	run auditrules nlkit audit rules
	if has auditrules "-a always,exit -F arch=b64 -S open,openat -F auid>=1000 -F key=nlkit-vm"; then
		pass "nlkit audit rule add: listed by audit rules as auditctl -l lists it (system calls by name)"
	else fail "nlkit audit rule add (rc $RC)"; fi
	run auditagain nlkit audit rule add always,exit $RULE
	if [ $RC != 0 ]; then pass "the same rule again is refused (EEXIST)"
	else fail "the same rule added twice"; fi
	run auditdel nlkit audit rule delete exit,always $RULE
	run auditrules2 nlkit audit rules
	if [ "$(cat /tmp/auditrules2.out)" = "No rules" ]; then pass "nlkit audit rule delete: no rules left"
	else fail "nlkit audit rule delete"; fi
	run auditdel2 nlkit audit rule delete exit,always $RULE
	if [ $RC != 0 ]; then pass "deleting a rule the kernel does not have is refused (ENOENT)"
	else fail "a rule deleted twice"; fi

	# The daemon's stream: nlkit registers as the audit daemon, a rule on
	# execve is added, /bin/true runs; its SYSCALL record comes by unicast
	# with the system call by name; a second daemon is refused; nlkit
	# unregisters when its --timeout ends.
	run auditon nlkit audit set --enabled 1
	nlkit -j audit monitor --daemon --timeout 4 > /tmp/auditd.out 2> /tmp/auditderr.out &
	DPID=$!
	if wait_for auditderr "registered as the audit daemon (pid $DPID)"; then
		run auditstatusd nlkit -j audit status
		if has auditstatusd "\"pid\":$DPID"; then pass "audit monitor --daemon: registered, audit status names its pid"
		else fail "audit status while nlkit is the daemon"; fi
		run auditsecond nlkit audit monitor --daemon --timeout 1
		if [ $RC != 0 ] && has auditsecond "another audit daemon (pid $DPID) is registered"; then
			pass "a second audit daemon is refused, naming the first"
		else fail "a second audit daemon (rc $RC)"; fi
		EXEC="-F arch=b64 -S execve -F key=nlkit-vm-exec"
		run auditexec nlkit audit rule add always,exit $EXEC
		/bin/true
		run auditexecdel nlkit audit rule delete always,exit $EXEC
		wait $DPID
		RC=$?
		cut -c1-160 /tmp/auditd.out | sed 's/^/    | /'
		sed 's/^/    | /' /tmp/auditderr.out
		if [ $RC = 0 ] && has auditd '"syscall":"execve"' '"arch":"x86_64"' 'key=\"nlkit-vm-exec\"' \
			&& has auditderr "unregistered as the audit daemon" \
			&& has auditderr "asked to replace this daemon (refused: it is alive)"; then
			pass "audit monitor --daemon: /bin/true's execve by unicast, named execve on x86_64; unregistered at the end"
		else fail "audit monitor --daemon (rc $RC)"; fi
		run auditstatuse nlkit -j audit status
		if has auditstatuse '"pid":0'; then pass "after audit monitor --daemon: no daemon registered"
		else fail "a daemon still registered after nlkit stopped"; fi
		run auditoff nlkit audit set --enabled 0
	else
		fail "audit monitor --daemon did not register:"; sed 's/^/    | /' /tmp/auditderr.out
		kill $DPID 2>/dev/null
	fi
fi

# --- modules written as tutorials write them (kernel/tutorial) -------------------
if [ -e /guest-tutorial.sh ]; then . /guest-tutorial.sh; fi

# --- the kernel log ---------------------------------------------------------------
# (kmemleak's own lines say "leak" whatever they find: the check above reads it.)
if dmesg | grep -E 'BUG|leak|WARNING|Oops|general protection' | grep -v 'kmemleak:' > /tmp/bad.out; then
	fail "dmesg has problems:"; sed 's/^/    | /' /tmp/bad.out
else pass "dmesg: no BUG / leak / WARNING / Oops"; fi

verdict
