// Command startpeer compares lokalraad's start-up on a database with the
// smallest Fyne window's, side by side in one run, and prints one line
// with both medians (time to the first frame, peak memory) and the ratios.
//
//	go run ./bench/startpeer -bin ./lokalraad -db large.db [-runs 9]
//
// A third program, the smallest window opened as large as lokalraad's
// (1280×680), tells the cost of drawing a larger window from the cost of
// what is in it.
//
// It builds the smallest window (bench/startpeer/testdata/window) itself, starts an
// Xvfb of its own (-displayfd: a free display) and copies the database
// into a temp folder, so the app's daily backup and its preferences never
// touch the original. Each program is started -runs times, interleaved,
// after one untimed start each (which fills the disk cache and makes the
// day's backup). A run is timed from just before exec to the program's
// "first frame" line on stdout (lokalraad prints it with
// LOKALRAAD_FIRST_FRAME set, once Show has drawn the first frame); its CPU
// time then is read too, since the machine may be shared. Then
// the window is checked to be mapped (xdotool search --onlyvisible, not
// timed), and the peak resident memory read from /proc/PID/status
// (VmHWM): at the first frame, and again -settle later, after the work
// the app does once the window is up. The app is ended with SIGTERM, which
// it answers by closing its window cleanly, so every start is a clean
// one: a start after an unclean end checks the whole file first, and the
// benchmark fails rather than time that.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const firstFrame = "first frame"

func main() {
	bin := flag.String("bin", "./lokalraad", "the lokalraad binary")
	db := flag.String("db", "large.db", "the database the app opens (make large)")
	runs := flag.Int("runs", 9, "timed starts of each")
	settle := flag.Duration("settle", 2*time.Second, "how long after the first frame memory is read again")
	flag.Parse()
	if err := run(*bin, *db, *runs, *settle); err != nil {
		fmt.Fprintln(os.Stderr, "startpeer:", err)
		os.Exit(1)
	}
}

type result struct {
	frame        time.Duration
	cpu          time.Duration // user and system time of the process at the first frame
	hwm, hwmLate int64         // KiB
}

func run(bin, db string, runs int, settle time.Duration) error {
	for _, tool := range []string{"Xvfb", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s is not installed (make deps installs it)", tool)
		}
	}
	bin, err := filepath.Abs(bin)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "startpeer-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	window := filepath.Join(dir, "window")
	if out, err := exec.Command("go", "build", "-o", window, "./bench/startpeer/testdata/window").CombinedOutput(); err != nil {
		return fmt.Errorf("build the smallest window: %v\n%s", err, out)
	}
	dbCopy := filepath.Join(dir, "data", "lokalraad.db")
	if err := copyFile(dbCopy, db); err != nil {
		return err
	}
	// The device's signing key beside it, when there is one.
	if _, err := os.Stat(db + ".secret"); err == nil {
		if err := copyFile(dbCopy+".secret", db+".secret"); err != nil {
			return err
		}
	}
	fi, err := os.Stat(dbCopy)
	if err != nil {
		return err
	}

	display, stopX, err := startXvfb()
	if err != nil {
		return err
	}
	defer stopX()

	env := append(os.Environ(), "DISPLAY="+display, "WAYLAND_DISPLAY=", "LANG=da_DK.UTF-8",
		"HOME="+dir, "XDG_CONFIG_HOME="+filepath.Join(dir, "config"), "LOKALRAAD_FIRST_FRAME=1")
	app := func() (result, error) {
		if _, err := os.Stat(dbCopy + ".aaben"); err == nil {
			return result{}, errors.New("the last start of lokalraad did not end cleanly (its session marker is left), so this one would check the file first")
		}
		return start(exec.Command(bin, "--db", dbCopy), env, "^Lokalr", settle, true)
	}
	floor := func() (result, error) {
		return start(exec.Command(window), env, "^startpeer$", settle, false)
	}
	// The same window as large as lokalraad's first window (ui.firstWindowSize: 1280×680).
	floorLarge := func() (result, error) {
		return start(exec.Command(window, "-size", "1280x680"), env, "^startpeer$", settle, false)
	}

	// One untimed start of each: the disk cache, the day's backup.
	if _, err := app(); err != nil {
		return err
	}
	if _, err := floor(); err != nil {
		return err
	}
	if _, err := floorLarge(); err != nil {
		return err
	}
	var ours, theirs, large []result
	for range runs {
		r, err := app()
		if err != nil {
			return err
		}
		ours = append(ours, r)
		if r, err = floor(); err != nil {
			return err
		}
		theirs = append(theirs, r)
		if r, err = floorLarge(); err != nil {
			return err
		}
		large = append(large, r)
	}

	of, tf := median(ours, func(r result) int64 { return int64(r.frame) }), median(theirs, func(r result) int64 { return int64(r.frame) })
	oc, tc := median(ours, func(r result) int64 { return int64(r.cpu) }), median(theirs, func(r result) int64 { return int64(r.cpu) })
	om, tm := median(ours, func(r result) int64 { return r.hwm }), median(theirs, func(r result) int64 { return r.hwm })
	oml, tml := median(ours, func(r result) int64 { return r.hwmLate }), median(theirs, func(r result) int64 { return r.hwmLate })
	lf, lc, lm := median(large, func(r result) int64 { return int64(r.frame) }), median(large, func(r result) int64 { return int64(r.cpu) }), median(large, func(r result) int64 { return r.hwm })
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("start-up to the first frame (%s, %d MB; %d runs, medians): lokalraad %.0f ms (CPU %.0f ms), %.0f MiB (%.0f MiB %s later); "+
		"smallest Fyne window %.0f ms (CPU %.0f ms), %.0f MiB (%.0f MiB); ratio %.2f× in time (CPU %.2f×), %.2f× in memory (%.2f× later); "+
		"the same window at 1280×680 %.0f ms (CPU %.0f ms), %.0f MiB; lokalraad's runs %s ms; load average %s\n",
		filepath.Base(db), fi.Size()/1e6, runs,
		ms(of), ms(oc), mib(om), mib(oml), settle,
		ms(tf), ms(tc), mib(tm), mib(tml),
		float64(of)/float64(tf), float64(oc)/float64(tc), float64(om)/float64(tm), float64(oml)/float64(tml),
		ms(lf), ms(lc), mib(lm), spread(ours), strings.Join(strings.Fields(string(load))[:3], " "))
	return nil
}

// start runs cmd until its first frame, checks that a window named title
// is mapped, reads its peak memory then and settle later, and ends it
// with SIGTERM; clean: the program must then exit with status 0.
func start(cmd *exec.Cmd, env []string, title string, settle time.Duration, clean bool) (result, error) {
	cmd.Env = env
	var logs bytes.Buffer
	cmd.Stderr = &logs
	out, err := cmd.StdoutPipe()
	if err != nil {
		return result{}, err
	}
	begin := time.Now()
	if err := cmd.Start(); err != nil {
		return result{}, err
	}
	exited := make(chan error, 1)
	seen := make(chan time.Duration, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if sc.Text() == firstFrame {
				seen <- time.Since(begin)
				break
			}
		}
		io.Copy(io.Discard, out)
		exited <- cmd.Wait()
	}()
	var r result
	select {
	case r.frame = <-seen:
	case err := <-exited:
		return r, fmt.Errorf("%s exited before its first frame: %v\n%s", cmd.Path, err, logs.String())
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		<-exited
		return r, fmt.Errorf("%s: no first frame after 2 minutes\n%s", cmd.Path, logs.String())
	}
	pid := cmd.Process.Pid
	if r.hwm, err = peakKiB(pid); err != nil {
		return r, err
	}
	if r.cpu, err = cpuTime(pid); err != nil {
		return r, err
	}
	if err := visible(env, title); err != nil {
		cmd.Process.Kill()
		<-exited
		return r, err
	}
	time.Sleep(settle)
	if r.hwmLate, err = peakKiB(pid); err != nil {
		return r, err
	}
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		if clean && err != nil {
			return r, fmt.Errorf("%s did not end cleanly on SIGTERM: %v\n%s", cmd.Path, err, logs.String())
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-exited
		return r, fmt.Errorf("%s did not end within 30 s of SIGTERM\n%s", cmd.Path, logs.String())
	}
	return r, nil
}

// visible waits (up to 10 s) until a mapped window's name matches title.
func visible(env []string, title string) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		xdo := exec.Command("xdotool", "search", "--onlyvisible", "--name", title)
		xdo.Env = env
		if out, _ := xdo.Output(); len(bytes.TrimSpace(out)) > 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no visible window named %q 10 s after the first frame", title)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// peakKiB is the process's peak resident set (VmHWM), in KiB.
func peakKiB(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				return strconv.ParseInt(f[0], 10, 64)
			}
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}

// cpuTime is the process's user and system time so far (/proc/PID/stat,
// in clock ticks of 10 ms on Linux).
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The fields after the command's name, which may hold spaces, in
	// parentheses: utime and stime are the 14th and 15th of all.
	i := bytes.LastIndexByte(b, ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	var ticks int64
	for _, s := range f[11:13] {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, err
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}

// startXvfb starts an X server on a display it picks itself.
func startXvfb() (string, func(), error) {
	r, w, err := os.Pipe()
	if err != nil {
		return "", nil, err
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1920x1080x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		return "", nil, err
	}
	w.Close()
	defer r.Close()
	var n int
	if _, err := fmt.Fscan(r, &n); err != nil {
		x.Process.Kill()
		x.Wait()
		return "", nil, fmt.Errorf("xvfb did not say its display: %v", err)
	}
	return fmt.Sprintf(":%d", n), func() { x.Process.Kill(); x.Wait() }, nil
}

func copyFile(dst, src string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("%v (make large writes it)", err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func median(rs []result, f func(result) int64) int64 {
	var v []int64
	for _, r := range rs {
		v = append(v, f(r))
	}
	slices.Sort(v)
	return v[len(v)/2]
}

// spread is the app's times, sorted, so the line shows how wide they are.
func spread(rs []result) string {
	var v []int64
	for _, r := range rs {
		v = append(v, int64(r.frame))
	}
	slices.Sort(v)
	var s []string
	for _, d := range v {
		s = append(s, strconv.Itoa(int(time.Duration(d)/time.Millisecond)))
	}
	return strings.Join(s, " ")
}

func ms(d int64) float64  { return float64(d) / float64(time.Millisecond) }
func mib(k int64) float64 { return float64(k) / 1024 }
