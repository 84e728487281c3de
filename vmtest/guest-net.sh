# Sourced by vmtest/guest-init.sh on our own kernel (nlkit_vm.extra=1),
# which has what neither the host's kernel nor Debian's 6.1 guest give the
# tests (vmtest/kernel.config): netdevsim, a device with every ethtool
# parameter and pause frame counters, and WireGuard. Each check compares
# nlkit with the real tool (Debian's ethtool 6.1 and wg, copied into the
# initramfs by vmtest/rust.sh) where one is here. Uses guest-init.sh's
# run, has, pass and fail.

# same NAME ARGS...: `ethtool ARGS` and `nlkit ethtool ARGS` print the same
# and exit alike (OURS="..." replaces ARGS for nlkit: its -c is --color,
# so coalescing is --show-coalesce).
same() {
	name=$1; shift
	ethtool "$@" > /tmp/$name.theirs 2>&1; theirs=$?
	if [ -n "$OURS" ]; then nlkit ethtool $OURS > /tmp/$name.ours 2>&1; ours=$?
	else nlkit ethtool "$@" > /tmp/$name.ours 2>&1; ours=$?; fi
	if [ $theirs = $ours ] && cmp -s /tmp/$name.theirs /tmp/$name.ours; then
		pass "nlkit ethtool ${OURS:-$*} = ethtool $* (exit $ours, $(wc -l < /tmp/$name.ours) lines)"
	else
		fail "nlkit ethtool ${OURS:-$*} (exit $ours) differs from ethtool $* (exit $theirs):"
		diff /tmp/$name.theirs /tmp/$name.ours | sed 's/^/    | /'
	fi
	OURS=
}

# --- netdevsim: ethtool's views of a device that has them all -----------------
if [ -e /sys/bus/netdevsim/new_device ] && command -v ethtool > /dev/null; then
	echo "1 1" > /sys/bus/netdevsim/new_device
	NSIM=$(ls /sys/bus/netdevsim/devices/netdevsim1/net/ 2>/dev/null | head -1)
	if [ -z "$NSIM" ]; then
		fail "netdevsim: no device after new_device"
	else
		same nsim-a -a $NSIM
		same nsim-Ia -I -a $NSIM
		if grep -q "tx_pause_frames: 2" /tmp/nsim-Ia.ours && grep -q "rx_pause_frames: 1" /tmp/nsim-Ia.ours; then
			pass "nlkit ethtool -I -a: the driver's pause frame counters"
		else fail "nlkit ethtool -I -a: no pause counters"; fi
		# JSON: ethtool's --json against nlkit's -j, whitespace aside, and
		# its booleans: ethtool 6.1 writes every one as true (show_bool_val
		# hands print_bool the value's address), where the text says off.
		ethtool --json -I -a $NSIM | tr -d ' \n\t' > /tmp/nsim-json.theirs
		nlkit -j ethtool -I -a $NSIM | tr -d ' \n\t' > /tmp/nsim-json.ours
		if sed 's/false/true/g' /tmp/nsim-json.ours | cmp -s /tmp/nsim-json.theirs - \
			&& grep -q '"rx":false' /tmp/nsim-json.ours; then
			pass "nlkit -j ethtool -I -a = ethtool --json -I -a but for 6.1's booleans: $(cat /tmp/nsim-json.ours)"
		else fail "nlkit -j ethtool -I -a: $(cat /tmp/nsim-json.ours) vs $(cat /tmp/nsim-json.theirs)"; fi
		# One counter the driver stops keeping: only the other is shown.
		echo N > /sys/kernel/debug/netdevsim/netdevsim1/ports/0/ethtool/pause/report_stats_tx
		same nsim-Ia-rx -I -a $NSIM
		run nsim-A nlkit ethtool -A $NSIM rx on tx on
		same nsim-a-on -a $NSIM
		run nsim-A-bad nlkit ethtool -A $NSIM autoneg on
		ethtool -A $NSIM autoneg on > /dev/null 2>&1; theirs=$?
		if [ $RC = $theirs ] && [ $RC != 0 ]; then pass "nlkit ethtool -A autoneg on: refused as by ethtool (exit $RC)"
		else fail "nlkit ethtool -A autoneg on: exit $RC, ethtool $theirs"; fi
		same nsim-g -g $NSIM
		run nsim-G nlkit ethtool -G $NSIM rx 512 tx 256
		same nsim-g2 -g $NSIM
		grep -q "^RX:.*512" /tmp/nsim-g2.theirs || fail "ethtool -g does not see nlkit's rx 512"
		same nsim-l -l $NSIM
		OURS="--show-coalesce $NSIM" same nsim-c -c $NSIM
		run nsim-C nlkit ethtool -C $NSIM rx-usecs 10 tx-frames 7
		OURS="--show-coalesce $NSIM" same nsim-c2 -c $NSIM
		grep -q "^rx-usecs: 10" /tmp/nsim-c2.theirs || fail "ethtool -c does not see nlkit's rx-usecs 10"
		same nsim-k -k $NSIM
		same nsim-i -i $NSIM
	fi
fi

# --- WireGuard: two namespaces, a tunnel configured by nlkit alone -------------
if nlkit genl show wireguard > /dev/null 2>&1; then
	mkdir -p /run/netns
	for n in wga wgb; do touch /run/netns/$n; unshare --net=/run/netns/$n true; done
	ok=1
	step() { "$@" > /tmp/wgstep.out 2>&1 || { ok=0; echo "    | $* failed: $(cat /tmp/wgstep.out)"; }; }
	step nlkit -n wga link add va type veth peer name vb
	step nlkit -n wga link set vb netns wgb
	for side in "wga va 192.0.2.1 10.9.0.1" "wgb vb 192.0.2.2 10.9.0.2"; do
		set -- $side
		step nlkit -n $1 link set lo up
		step nlkit -n $1 address add $3/24 dev $2
		step nlkit -n $1 link set $2 up
		step nlkit -n $1 link add wg0 type wireguard
		step nlkit -n $1 address add $4/24 dev wg0
		nlkit wg genkey > /tmp/$1.key
	done
	step nlkit -n wga wg set wg0 private-key /tmp/wga.key listen-port 51820
	step nlkit -n wgb wg set wg0 private-key /tmp/wgb.key listen-port 51821 fwmark 0x2a
	PUBA=$(nlkit -n wga wg show wg0 dump | head -1 | cut -f2)
	PUBB=$(nlkit -n wgb wg show wg0 dump | head -1 | cut -f2)
	step nlkit -n wga wg set wg0 peer $PUBB endpoint 192.0.2.2:51821 allowed-ips 10.9.0.2/32,fd00:9::/64 persistent-keepalive 25
	step nlkit -n wgb wg set wg0 peer $PUBA endpoint 192.0.2.1:51820 allowed-ips 10.9.0.1/32
	step nlkit -n wga link set wg0 up
	step nlkit -n wgb link set wg0 up
	if [ $ok = 1 ]; then pass "WireGuard set up by nlkit alone: veth, addresses, wg0 in two namespaces, keys, peers"
	else fail "WireGuard set-up"; fi
	# The kernel derived the public key from the private key nlkit set.
	if [ ${#PUBA} = 44 ] && [ "$PUBA" != "(none)" ]; then pass "nlkit wg: the kernel's public key for ours ($PUBA)"
	else fail "nlkit wg: no public key ($PUBA)"; fi
	# A lost handshake is retried after 5 s (REKEY_TIMEOUT): up to 15 s.
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
		nsenter --net=/run/netns/wga ping -c 1 -W 1 10.9.0.2 > /tmp/wgping.out 2>&1 && break
	done
	if grep -q ", 1 packets received" /tmp/wgping.out; then
		pass "ping through the WireGuard tunnel nlkit configured (a real handshake; try $i)"
	else
		fail "ping through WireGuard (15 tries):"
		for ns in wga wgb; do
			nlkit -n $ns wg show wg0 dump | sed "s/^/    | $ns: /"
			nlkit -n $ns -br address | sed "s/^/    | $ns: /"
		done
		dmesg | tail -20 | sed 's/^/    | /'
	fi
	# nlkit and wg read the same device, three tries: a keepalive or a
	# handshake between the two reads changes the counters.
	# (FILTER: lines to leave out, a grep pattern; - for none.)
	keep() { if [ "$filter" = - ]; then cat; else grep -v "$filter"; fi; }
	samewg() { # samewg NAME NS FILTER ARGS...
		name=$1 ns=$2 filter=$3; shift 3
		for try in 1 2 3; do
			nlkit -n $ns wg "$@" 2>&1 | keep > /tmp/$name.out
			nsenter --net=/run/netns/$ns wg "$@" 2>&1 | keep > /tmp/$name.theirs
			cmp -s /tmp/$name.out /tmp/$name.theirs && break
		done
		if cmp -s /tmp/$name.out /tmp/$name.theirs; then pass "nlkit wg $* = wg $* ($ns, try $try)"
		else fail "nlkit wg $* ($ns) differs from wg:"; diff /tmp/$name.theirs /tmp/$name.out | sed 's/^/    | /'; fi
	}
	samewg wgdump wga - show wg0 dump
	sed 's/^/    | /' /tmp/wgdump.out
	HS=$(sed -n 2p /tmp/wgdump.out | cut -f5)
	RX=$(sed -n 2p /tmp/wgdump.out | cut -f6)
	if [ "${HS:-0}" -gt 0 ] && [ "${RX:-0}" -gt 0 ]; then pass "nlkit wg: latest handshake $HS, $RX bytes received"
	else fail "nlkit wg: no handshake ($HS) or nothing received ($RX)"; fi
	samewg wgconf-a wga - showconf wg0
	samewg wgconf-b wgb - showconf wg0
	# The pretty view, but for its clock-dependent line.
	samewg wgshow wga 'latest handshake' show
	samewg wgshowb wgb 'latest handshake' show wg0
	run wgjson nlkit -n wgb -j wg show wg0
	if has wgjson '"fwmark":42' '"listen_port":51821' "\"public_key\":\"$PUBA\""; then pass "nlkit -j wg show: the device and its peer"
	else fail "nlkit -j wg show"; fi
	# The spec path reads the same device (validated against the newest
	# genetlink-legacy schema, which has its ipv4-or-v6 display hint).
	run wgspec nlkit -n wgb spec --spec /wireguard.yaml --dump get-device --json '{"ifname": "wg0"}'
	if has wgspec '"listen-port":51821' '"fwmark":42'; then pass "nlkit spec --spec wireguard.yaml --dump get-device: the same device by the spec"
	else fail "nlkit spec wireguard (rc $RC)"; fi
	run wgrm nlkit -n wga wg set wg0 peer $PUBB remove
	if [ "$(nlkit -n wga wg show wg0 dump | wc -l)" = 1 ]; then pass "nlkit wg set peer KEY remove: no peer left"
	else fail "nlkit wg set peer remove"; fi
	run wgnone nlkit -n wga wg show nosuch
	if [ $RC != 0 ] && has wgnone "Unable to access interface nosuch"; then pass "nlkit wg show nosuch: refused, named"
	else fail "nlkit wg show nosuch (rc $RC)"; fi
fi

# --- the TLS handshake upcall: the NVMe/TCP target asks, nlkit answers ---------
# A port that requires TLS 1.3: each TCP connection to it makes the target
# queue a server-hello handshake request and announce it on group tlshd;
# with no agent listening the kernel refuses at once (ESRCH).
if nlkit genl show handshake > /dev/null 2>&1; then
	mount -t configfs configfs /sys/kernel/config 2>/dev/null
	nlkit link set lo up
	N=/sys/kernel/config/nvmet
	mkdir $N/subsystems/nlkit && echo 1 > $N/subsystems/nlkit/attr_allow_any_host
	mkdir $N/ports/1
	echo tcp > $N/ports/1/addr_trtype
	echo ipv4 > $N/ports/1/addr_adrfam
	echo 127.0.0.1 > $N/ports/1/addr_traddr
	echo 4420 > $N/ports/1/addr_trsvcid
	echo tls1.3 > $N/ports/1/addr_tsas
	ln -s $N/subsystems/nlkit $N/ports/1/subsystems/nlkit
	run hsnone nlkit handshake accept --count 1 --timeout 0.5
	if [ $RC != 0 ] && has hsnone "no handshake request came"; then pass "nlkit handshake accept: no request, said within its timeout"
	else fail "nlkit handshake accept without a request (rc $RC)"; fi
	nlkit -j handshake monitor --count 1 --timeout 20 > /tmp/hsmon.out 2>&1 &
	MON=$!
	nlkit -j handshake accept --count 1 --timeout 20 > /tmp/hsacc.out 2>&1 &
	ACC=$!
	sleep 1
	echo | nc -w 5 127.0.0.1 4420 > /dev/null 2>&1
	wait $ACC; RC=$?
	wait $MON
	sed 's/^/    | /' /tmp/hsmon.out /tmp/hsacc.out
	if has hsmon '"event":"ready"' && [ $RC = 0 ] \
		&& has hsacc '"message-type":"serverhello"' '"auth-mode":"psk"' '"status":13'; then
		pass "the NVMe/TCP target's TLS request: announced (monitor), accepted with its socket, refused with EACCES (accept)"
	else fail "the handshake upcall (accept rc $RC)"; fi
	# Nothing is left queued after done: accept through the spec path gets
	# the kernel's EAGAIN.
	run hsagain nlkit spec --spec /handshake.yaml --do accept --json '{"handler-class": "tlshd"}'
	if [ $RC != 0 ] && has hsagain "Resource temporarily unavailable"; then pass "nlkit spec handshake accept: nothing left queued (EAGAIN)"
	else fail "nlkit spec handshake accept after done (rc $RC)"; fi
fi
