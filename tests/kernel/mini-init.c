/* mini-init.c: tiny static PID 1 for the kernel test layer's guests
 * (tests/kernel/run builds it into its cache dir, outside the tree).
 * Adapted from the workplace's test harness.
 * QEMU: runs from the initramfs; loads the modules listed in /modules/order,
 *       mounts the host root via 9p (tag "hostroot", read-only), moves it to /
 *       and chroots into it.
 * UML (kernel parameter vmrun.type=uml): the root is already hostfs; skip that.
 * Then it forks the guest init script (kernel parameter vmrun.init=PATH),
 * reaps every zombie while it runs (orphans of daemons re-parent to PID 1),
 * and powers the machine off as soon as the script exits.
 * Build: gcc -static -O2 -o mini-init mini-init.c */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void poweroff(void) {
    sync();
    reboot(RB_POWER_OFF);
    for (;;) pause();
}

static void die(const char *what) {
    fprintf(stderr, "mini-init: %s: %s\n", what, strerror(errno));
    poweroff();
}

static void switch_to_9p_root(void) {
    char line[512];
    FILE *f = fopen("/modules/order", "r");
    if (f) {
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\n")] = 0;
            if (!line[0]) continue;
            int fd = open(line, O_RDONLY | O_CLOEXEC);
            if (fd < 0) { fprintf(stderr, "mini-init: open %s: %s\n", line, strerror(errno)); continue; }
            if (syscall(SYS_finit_module, fd, "", 0) != 0 && errno != EEXIST)
                fprintf(stderr, "mini-init: load %s: %s\n", line, strerror(errno));
            close(fd);
        }
        fclose(f);
    }
    mkdir("/newroot", 0755);
    if (mount("hostroot", "/newroot", "9p", MS_RDONLY,
              "trans=virtio,version=9p2000.L,msize=512000,cache=loose") != 0)
        die("mount 9p root");
    if (mount("/dev", "/newroot/dev", NULL, MS_MOVE, NULL) != 0)
        umount2("/dev", MNT_DETACH);
    umount2("/proc", MNT_DETACH);
    if (chdir("/newroot") != 0) die("chdir");
    if (mount(".", "/", NULL, MS_MOVE, NULL) != 0) die("move root");
    if (chroot(".") != 0) die("chroot");
    if (chdir("/") != 0) die("chdir /");
}

int main(void) {
    char initpath[512] = "/bin/sh", cmdline[4096] = "";
    mount("proc", "/proc", "proc", 0, NULL);
    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    FILE *f = fopen("/proc/cmdline", "r");
    if (f) { if (!fgets(cmdline, sizeof cmdline, f)) cmdline[0] = 0; fclose(f); }
    char *p = strstr(cmdline, "vmrun.init=");
    if (p) sscanf(p + 11, "%511s", initpath);
    if (strstr(cmdline, "vmrun.type=uml"))
        umount2("/proc", MNT_DETACH);     /* guest-init mounts it again */
    else
        switch_to_9p_root();
    pid_t child = fork();
    if (child < 0) die("fork");
    if (child == 0) {
        setsid();
        int fd = open("/dev/console", O_RDWR);
        if (fd >= 0) { dup2(fd, 0); dup2(fd, 1); dup2(fd, 2); if (fd > 2) close(fd); }
        execl(initpath, initpath, (char *)NULL);
        perror("mini-init: exec guest init");
        _exit(127);
    }
    for (;;) {                         /* PID 1: reap everything */
        int st;
        pid_t w = wait(&st);
        if (w == child || (w < 0 && errno == ECHILD)) break;
    }
    poweroff();
    return 0;
}
