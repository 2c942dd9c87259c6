#!/bin/sh
# guest-init.sh: started by mini-init (PID 1) inside the user-mode-linux
# guest of tests/kernel/run.  The root is the host's root, read-only.
# Sets up writable scratch dirs, makes UML's own kernel modules loadable
# (the host may have no /lib/modules at all), loads the IPsec modules, runs
# the command the host left in the control dir, stores its exit status and
# returns, which powers the guest off.  Adapted from the workplace harness.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp TERM=dumb LANG=C.UTF-8
mount -t proc proc /proc
mount -t sysfs sys /sys
CTLPATH=
for a in $(cat /proc/cmdline); do
	case "$a" in vmrun.ctl=*) CTLPATH=${a#*=} ;; esac
done
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm 2>/dev/null
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
for d in /tmp /run /var/tmp /var/log /var/lib /var/cache /root; do
	mount -t tmpfs -o mode=0755 tmpfs "$d"
done
chmod 1777 /tmp /var/tmp
mkdir -p /run/lock /run/netns /run/vmctl /run/modroot/lib

# UML's modules live in /usr/lib/uml/modules; modprobe -d looks for
# ROOT/lib/modules, so give it a root whose lib/modules points there, and
# let the kernel's own module requests (crypto templates such as
# rfc4106(gcm(aes)), xfrm types) go through the same wrapper.
MODPROBE=$(command -v modprobe)
ln -s /usr/lib/uml/modules /run/modroot/lib/modules
printf '#!/bin/sh\nexec %s -d /run/modroot "$@"\n' "$MODPROBE" > /run/modroot/modprobe
chmod 755 /run/modroot/modprobe
echo /run/modroot/modprobe > /proc/sys/kernel/modprobe

# writable copy-on-write /etc (overlay, tmpfs upper)
mkdir -p /run/ovl/etc/u /run/ovl/etc/w
/run/modroot/modprobe -q overlay 2>/dev/null
mount -t overlay overlay -o lowerdir=/etc,upperdir=/run/ovl/etc/u,workdir=/run/ovl/etc/w /etc 2>/dev/null || {
	echo "guest-init: overlay on /etc failed, using a tmpfs copy of /etc" >&2
	cp -a /etc /run/ovl/etc-copy && mount --bind /run/ovl/etc-copy /etc
}
mount -t hostfs -o "$CTLPATH" none /run/vmctl
if [ -f /run/vmctl/rwdirs ]; then
	while read -r path; do
		[ -n "$path" ] || continue
		mkdir -p "$path" 2>/dev/null
		mount -t hostfs -o "$path" none "$path"
	done < /run/vmctl/rwdirs
fi
hostname r2guest
ip link set lo up
# shellcheck disable=SC2046
/run/modroot/modprobe -a $(cat /run/vmctl/modules 2>/dev/null) ||
	echo "guest-init: some modules failed to load" >&2
[ -f /run/vmctl/env ] && . /run/vmctl/env
cd "$(cat /run/vmctl/cwd 2>/dev/null || echo /)" 2>/dev/null || cd /
bash /run/vmctl/cmd </dev/null   # the host writes it with printf %q
rc=$?
echo $rc > /run/vmctl/rc
sync
exit $rc
