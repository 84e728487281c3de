# Sourced by vmtest/guest-init.sh (as /guest-tutorial.sh) when the
# tutorial-style modules of kernel/tutorial are in the initramfs: drives
# them through the nlkit CLI only, with guest-init's pass/fail/run/has.
# The modules are not nlkit's design: they answer as tutorials do (see
# kernel/tutorial/*.c).

TP=30
MP=/sys/module/tut_netlink/parameters
run tutins insmod /tut_netlink.ko
run tutins2 insmod /tut_chardev.ko
if [ -d $MP ] && [ -e /dev/tutdev ]; then pass "insmod tut_netlink.ko tut_chardev.ko"
else fail "insmod of the tutorial modules"; return 0; fi

# --- module parameters: exactly the value written, for every type ------------
# tutmp NAME VALUE WANT: nlkit modparam writes VALUE; nlkit reads WANT back,
# and the file holds WANT and the one newline param_get_* adds, nothing more.
tutmp() {
	run mp_$1 nlkit modparam tut_netlink "$1=$2"
	run mpr_$1 nlkit -j modparam tut_netlink "$1"
	bytes=$(wc -c < $MP/$1)
	want=$((${#3} + 1))
	if [ $RC = 0 ] && has mpr_$1 "\"value\":\"$3\"" && [ "$bytes" = "$want" ]; then
		pass "modparam $1=$2 reads back '$3' ($bytes bytes in sysfs: no newline kept)"
	else fail "modparam $1=$2 (rc $RC, $bytes bytes, want $want)"; fi
}
tutmp level 7 7
tutmp level -3 -3
tutmp limit 4000000000 4000000000
tutmp verbose y Y
tutmp quiet n N
tutmp greeting "abc" abc
tutmp greeting "two words" "two words"
tutmp words "a,b,c" "a,b,c"
tutmp ident hello hello
run mpbad nlkit modparam tut_netlink level=x
if [ $RC != 0 ] && has mpbad "Invalid argument" && [ "$(cat $MP/level)" = -3 ]; then
	pass "modparam level=x refused (EINVAL), level unchanged"
else fail "modparam level=x (rc $RC)"; fi
run mplong nlkit modparam tut_netlink ident=0123456789abcdefXYZ
if [ $RC != 0 ] && [ "$(cat $MP/ident)" = hello ]; then pass "modparam ident of 19 bytes refused (string of 16)"
else fail "modparam ident too long (rc $RC)"; fi

# --- the custom protocol, each quirk ----------------------------------------------
S="nlkit raw send --proto $TP --timeout 3"
nlkit modparam tut_netlink mode=0
run q0 $S --text hi --nul --pad-to 1024 --count 1
if [ $RC = 0 ] && has q0 "type DONE" '"Hello from kernel"' && [ "$(cat $MP/last_len)" = 1024 ]; then
	pass "classic tutorial reply (a DONE carrying text, seq 0) to a NLMSG_SPACE(1024) C string"
else fail "mode 0: DONE with text (rc $RC, last_len $(cat $MP/last_len))"; fi
run q0w nlkit raw send --proto $TP --text hi --wait --timeout 1
if [ $RC = 1 ] && has q0w "answers none of the 1 request(s)" "timed out after 1 s"; then
	pass "--wait on a sequence-0 reply: said, not taken as the answer (exit 1)"
else fail "--wait with a sequence-0 reply (rc $RC)"; fi

nlkit modparam tut_netlink mode=1
run q1 nlkit -j raw send --proto $TP --text hi --count 1 --timeout 3
if [ $RC = 0 ] && has q1 '"type":0,' '"seq":0,' '"text":"Hello from kernel"'; then
	pass "reply of type 0 and sequence 0, taken with --count 1"
else fail "mode 1 (rc $RC)"; fi

nlkit modparam tut_netlink mode=2
run q2 nlkit -j raw send --proto $TP --port 4000 --text hi --count 1 --timeout 3
if [ $RC = 0 ] && has q2 '"type":4000,'; then pass "reply typed with the request's nlmsg_pid (4000), shown as sent"
else fail "mode 2 (rc $RC)"; fi

nlkit modparam tut_netlink mode=3
run q3 nlkit -j raw send --proto $TP --text hi --wait --timeout 3
if [ $RC = 0 ] && has q3 '"len":21,' '"text":"odd!"'; then pass "nlmsg_len 21 (not a multiple of 4) read as sent"
else fail "mode 3 (rc $RC)"; fi

nlkit modparam tut_netlink mode=4
nlkit raw listen --proto $TP --port 5000 --count 1 --timeout 5 > /tmp/q4l.out 2>&1 &
L4=$!
wait_for q4l "listening on protocol"
run q4 nlkit raw send --proto $TP --header-port 5000 --text hi
wait $L4; RL=$?
if [ $RC = 0 ] && [ $RL = 0 ] && has q4l "from port 0" "Hello from kernel"; then
	pass "reply sent to the header's port id (5000), received by a listener there"
else fail "mode 4 (send rc $RC, listener rc $RL)"; fi

nlkit modparam tut_netlink mode=5
# The README's `sh vm` block, as written.
run q5 nlkit raw send --proto 30 --text hello --nul --pad-to 1024 --count 3 --timeout 5
if [ $RC = 0 ] && [ "$(grep -c '"reply [123]"' /tmp/q5.out)" = 3 ] && [ "$(cat $MP/last_len)" = 1024 ]; then
	pass "three replies without NLM_F_MULTI, 200 ms apart (sendmsg blocked meanwhile): --count 3"
else fail "mode 5 (rc $RC)"; fi
run q5t nlkit -j raw send --proto $TP --text hi --until-timeout --timeout 2
if [ $RC = 0 ] && [ "$(grep -c '"text":"reply' /tmp/q5t.out)" = 3 ]; then
	pass "the same with --until-timeout: all three, exit 0 at the deadline"
else fail "mode 5 --until-timeout (rc $RC)"; fi

nlkit modparam tut_netlink mode=6
run q6 nlkit raw send --proto $TP --text hi --wait --timeout 3
if [ $RC = 0 ] && has q6 '"hello" + NUL + 26 bytes: a5a5a5a5'; then
	pass "a C string and the stale bytes after it: the text, then the rest in hex"
else fail "mode 6 (rc $RC)"; fi

# --- the sysctl table ----------------------------------------------------------------
run ts1 nlkit sysctl -w tut.threshold=42
run ts2 nlkit sysctl -n tut.threshold
if [ $RC = 0 ] && [ "$(cat /tmp/ts2.out)" = 42 ]; then pass "nlkit sysctl tut.threshold=42 reads back"
else fail "sysctl tut.threshold (rc $RC)"; fi
run ts3 nlkit sysctl -w tut.threshold=101
if [ $RC != 0 ] && has ts3 "Invalid argument" && [ "$(cat /proc/sys/tut/threshold)" = 42 ]; then
	pass "tut.threshold=101 refused by proc_dointvec_minmax (EINVAL)"
else fail "tut.threshold=101 (rc $RC)"; fi
run ts4 nlkit sysctl -w "tut.label=my label"
if [ $RC = 0 ] && [ "$(cat /proc/sys/tut/label)" = "my label" ]; then pass "tut.label written (proc_dostring)"
else fail "tut.label (rc $RC)"; fi

# --- the character device: its own ioctl numbers, one opener, mmap ------------------
D=/dev/tutdev
run d1 nlkit dev $D write --text "hello device"
run d2 nlkit dev $D read
if [ $RC = 0 ] && [ "$(cat /tmp/d2.out)" = "hello device" ]; then pass "dev write then read"
else fail "dev write/read (rc $RC)"; fi
run d3 nlkit dev $D read --seek 6 --len 3
if [ $RC = 0 ] && [ "$(cat /tmp/d3.out)" = dev ]; then pass "dev read --seek 6 --len 3 (the driver's llseek)"
else fail "dev read --seek (rc $RC)"; fi
run d4 nlkit dev $D ioctl "_IOR('m', 1, 40)" --fields u32,u32,u64,char24
if [ $RC = 0 ] && has d4 'fields  u32 1, u32 12, u64 ' 'char24 "tutdev"'; then
	pass "ioctl _IOR('m', 1, struct of 40 bytes) read as typed fields"
else fail "dev ioctl INFO (rc $RC)"; fi
run d5 nlkit dev $D ioctl "_IOW('m', 2, int)" --fields i32:42
run d6 nlkit -j dev $D ioctl "_IOWR('m', 4, int)" --fields i32:7
if [ $RC = 0 ] && has d6 '"fields":[{"type":"i32","value":42}]'; then
	pass "ioctl _IOW sets 42, _IOWR swaps in 7 and hands back 42 (-j)"
else fail "dev ioctl SET/XCHG (rc $RC)"; fi
run d7 nlkit dev $D ioctl "_IO('m', 9)"
if [ $RC = 1 ] && has d7 "_IO('m', 0x9) (0x00006d09: none, type 'm', nr 9, size 0) on /dev/tutdev: Invalid argument (errno 22)"; then
	pass "unknown ioctl: EINVAL (not ENOTTY), the request named as sent"
else fail "dev unknown ioctl (rc $RC)"; fi
run d8 nlkit dev $D mmap --len 4096 --text
if [ $RC = 0 ] && has d8 "hello device"; then pass "dev mmap: the buffer's page"
else fail "dev mmap (rc $RC)"; fi
run d9 nlkit dev $D mmap --write-text HELLO --at 0 --len 4096 --hex
run d10 nlkit dev $D read --len 5
if [ $RC = 0 ] && [ "$(cat /tmp/d10.out)" = HELLO ]; then pass "dev mmap --write-text, seen by read"
else fail "dev mmap write (rc $RC)"; fi
exec 3</dev/tutdev
run d11 nlkit dev $D read
exec 3<&-
if [ $RC = 1 ] && has d11 "Device or resource busy"; then pass "a second opener: EBUSY, said"
else fail "dev second opener (rc $RC)"; fi
run d12 nlkit dev $D ioctl "_IO('m', 3)"
run d13 nlkit dev $D ioctl "_IOR('m', 1, 40)" --fields u32,u32
if [ $RC = 0 ] && has d13 "fields  u32 1, u32 0, rest "; then pass "ioctl _IO('m', 3) resets; INFO says length 0"
else fail "dev RESET (rc $RC)"; fi

run tutrm rmmod tut_chardev tut_netlink
if [ $RC = 0 ] && [ ! -e /dev/tutdev ] && [ ! -d $MP ]; then pass "rmmod of the tutorial modules"
else fail "rmmod of the tutorial modules (rc $RC)"; fi
