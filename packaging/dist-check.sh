#!/usr/bin/env bash
# make dist-check: build dist/ (packaging/dist.sh) and check what CI can
# check without Windows, macOS or systemd running:
#
#   - SHA256SUMS matches, every binary reports FyneApp.toml's version;
#   - the Linux tarball installs into a fake ~/.local with `make install`,
#     its .desktop file is valid, and uninstalls; the .deb's contents;
#   - the systemd unit passes `systemd-analyze verify`;
#   - under Wine (a fresh prefix, user "Søren Ærø"): lokalraad-cli.exe and
#     lokalraad.exe run demo, export packet and backup on paths with æøå,
#     and the packet's text equals the Linux build's (pdftotext);
#   - the installer installs silently (/S) per user, the Start-menu entry is
#     there, a silent uninstall removes the program and keeps the database
#     in %APPDATA%\lokalraad, and /SLETDATA removes it.
#
# SKIP_DIST=1 reuses an existing dist/. Prints the time each step took.
set -euo pipefail
cd "$(dirname "$0")/.."
export LANG=en_US.UTF-8
t0=$(date +%s)
say() { printf '== %s (%ds)\n' "$*" $(($(date +%s) - t0)); }
fail() { echo "dist-check: $*" >&2; exit 1; }

[ "${SKIP_DIST:-}" = 1 ] && [ -f dist/SHA256SUMS ] || bash packaging/dist.sh
VERSION=$(sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
DIST=$PWD/dist
TMP=$(mktemp -d /tmp/lokalraad-dist-check.XXXXXX)
cleanup() {
  [ -n "${WINEPREFIX:-}" ] && wineserver -k >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT

say "SHA256SUMS"
(cd "$DIST" && sha256sum --quiet -c SHA256SUMS) || fail "SHA256SUMS passer ikke"
for f in lokalraad-*-setup.exe lokalraad-$VERSION-linux-amd64.tar.xz lokalraad_${VERSION}_amd64.deb \
         lokalraad-$VERSION-windows-amd64.exe lokalraad-cli-$VERSION-windows-amd64.exe lokalraad-cli-$VERSION-linux-amd64 \
         kommune-$VERSION-linux-amd64 kommune-$VERSION-linux-arm64 kommune-$VERSION-windows-amd64.exe kommune.service; do
  compgen -G "$DIST/$f" >/dev/null || compgen -G "$DIST/${f^}" >/dev/null || fail "dist/$f mangler"
done

say "versions"
want="Lokalråd $VERSION"
[ "$("$DIST/lokalraad-cli-$VERSION-linux-amd64" version)" = "$want" ] || fail "lokalraad-cli version"
[ "$("$DIST/kommune-$VERSION-linux-amd64" version)" = "Lokalråd kommune $VERSION" ] || fail "kommune version"
file "$DIST/kommune-$VERSION-linux-arm64" | grep -q "ARM aarch64.*statically linked" || fail "kommune arm64 er ikke statisk ARM64"
file "$DIST/kommune-$VERSION-linux-amd64" | grep -q "statically linked" || fail "kommune amd64 er ikke statisk"

say "Linux tarball: make install into ~/.local"
mkdir -p "$TMP/home"
tar -C "$TMP" -xJf "$DIST/lokalraad-$VERSION-linux-amd64.tar.xz"
HOME="$TMP/home" make -s -C "$TMP/lokalraad-$VERSION-linux-amd64" install >/dev/null
for f in bin/lokalraad share/applications/lokalraad.desktop share/icons/hicolor/256x256/apps/lokalraad.png share/pixmaps/lokalraad.png; do
  [ -f "$TMP/home/.local/$f" ] || fail "make install lagde ikke ~/.local/$f"
done
[ "$("$TMP/home/.local/bin/lokalraad" version 2>/dev/null)" = "$want" ] || fail "den installerede lokalraad siger ikke $want"
grep -qx "Name=Lokalråd" "$TMP/home/.local/share/applications/lokalraad.desktop" || fail ".desktop: Name"
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$TMP/home/.local/share/applications/lokalraad.desktop" || fail ".desktop er ugyldig"
fi
HOME="$TMP/home" make -s -C "$TMP/lokalraad-$VERSION-linux-amd64" uninstall >/dev/null
[ ! -e "$TMP/home/.local/bin/lokalraad" ] || fail "make uninstall efterlod programmet"
dpkg-deb -c "$DIST/lokalraad_${VERSION}_amd64.deb" > "$TMP/deb.txt"
grep -q "\./usr/bin/lokalraad$" "$TMP/deb.txt" || fail ".deb uden /usr/bin/lokalraad"
grep -q "\./usr/share/applications/lokalraad.desktop$" "$TMP/deb.txt" || fail ".deb uden .desktop"
dpkg-deb -f "$DIST/lokalraad_${VERSION}_amd64.deb" Version | grep -qx "$VERSION" || fail ".deb-version"

say "systemd-analyze verify"
if command -v systemd-analyze >/dev/null; then
  cp "$DIST/kommune-$VERSION-linux-amd64" "$TMP/kommune"
  sed "s#/usr/local/bin/kommune#$TMP/kommune#g" "$DIST/kommune.service" > "$TMP/kommune.service"
  systemd-analyze verify "$TMP/kommune.service" || fail "kommune.service"
  echo "   $(systemd-analyze security --offline=true "$TMP/kommune.service" 2>/dev/null | tail -1)"
else
  echo "   systemd-analyze mangler: springes over"
fi

say "Wine: a fresh prefix"
command -v wine >/dev/null || fail "wine mangler (.ci/dist-deps installerer det)"
# Wine turns the user name into C:\users\Søren Ærø through the locale: it
# must be a UTF-8 one that exists (Debian always has C.UTF-8; with a
# missing en_US.UTF-8 the profile folder is silently not made).
export LC_ALL=C.UTF-8
# Go keeps its caches where they were before HOME moves.
export GOPATH="$(go env GOPATH)" GOCACHE="$(go env GOCACHE)" GOMODCACHE="$(go env GOMODCACHE)"
# Wine links the profile's Desktop, Documents, … to $HOME: a home of our
# own keeps the check from writing into the real one.
export HOME="$TMP/home"
export WINEPREFIX="$TMP/wine" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" USER="Søren Ærø" WINEARCH=win64
unset DISPLAY # the CLI needs none; keeps wineboot from opening windows
wineboot -i >/dev/null 2>&1 || true
wineserver -w
SYS32="$WINEPREFIX/drive_c/windows/system32"
[ -d "$SYS32" ] || fail "wineboot lavede intet prefix"
# Go's runtime needs bcryptprimitives.dll (Windows 10+), which Wine 8.0
# lacks: a test-only stand-in, never shipped.
x86_64-w64-mingw32-gcc -shared -O2 -s -o "$SYS32/bcryptprimitives.dll" packaging/wine/bcryptprimitives.c -ladvapi32
U="$WINEPREFIX/drive_c/users/Søren Ærø"
[ -d "$U" ] || { ls -la "$WINEPREFIX/drive_c/users" >&2; fail "Wine lavede ikke C:\\users\\Søren Ærø"; }
mkdir -p "$U/Lokalråd data"
cp "$DIST/lokalraad-cli-$VERSION-windows-amd64.exe" "$U/Lokalråd data/lokalraad-cli.exe"
cp "$DIST/lokalraad-$VERSION-windows-amd64.exe" "$U/Lokalråd data/lokalraad.exe"
WDIR='C:\users\Søren Ærø\Lokalråd data'
# Wine's server quits a few seconds after its last client; a client that
# starts in that moment is reset ("wine client error:0: recvmsg: Connection
# reset by peer") before our program runs. That is Wine's race, not the
# app's: wait for the server to be gone and start the program again.
w() {
  local i rc
  for i in 1 2 3; do
    rc=0
    wine "$@" 2>"$TMP/wine.err" || rc=$?
    cat "$TMP/wine.err" >&2
    grep -q "wine client error" "$TMP/wine.err" || return $rc
    echo "   (Wine's server reset the connection; trying again)" >&2
    wineserver -w 2>/dev/null || true
  done
  return $rc
}
wcli() { w "$U/Lokalråd data/lokalraad-cli.exe" "$@"; }

say "Wine: lokalraad-cli.exe version, demo, export, backup"
[ "$(wcli version | tr -d '\r')" = "$want" ] || fail "lokalraad-cli.exe version under Wine"
wcli demo --db "$WDIR\\Søren Ærøs råd.db" >/dev/null || fail "demo under Wine"
[ -s "$U/Lokalråd data/Søren Ærøs råd.db" ] || fail "demo skrev ikke databasen"
wcli backup --db "$WDIR\\Søren Ærøs råd.db" --out "$WDIR\\Sikkerhedskopi ÆØÅ.db" >/dev/null || fail "backup under Wine"
head -c 15 "$U/Lokalråd data/Sikkerhedskopi ÆØÅ.db" | grep -q "SQLite format 3" || fail "backuppen er ikke en SQLite-fil"

# The same database exported on Linux and under Windows: the same text.
"$DIST/lokalraad-cli-$VERSION-linux-amd64" demo --db "$TMP/linux.db" >/dev/null
MEETING=$(CGO_ENABLED=0 go run ./packaging/meetingid "$TMP/linux.db")
cp "$TMP/linux.db" "$U/Lokalråd data/fra linux.db"
"$DIST/lokalraad-cli-$VERSION-linux-amd64" export packet --db "$TMP/linux.db" --meeting "$MEETING" --out "$TMP/linux.pdf" >/dev/null
wcli export packet --db "$WDIR\\fra linux.db" --meeting "$MEETING" --out "$WDIR\\Mødemappe – Søren Ærø.pdf" >/dev/null || fail "export packet under Wine"
pdftotext -enc UTF-8 "$TMP/linux.pdf" "$TMP/linux.txt"
pdftotext -enc UTF-8 "$U/Lokalråd data/Mødemappe – Søren Ærø.pdf" "$TMP/wine.txt"
grep -q "Dagsorden\|DAGSORDEN" "$TMP/linux.txt" || fail "Linux-mødemappen har ingen dagsorden"
diff -u "$TMP/linux.txt" "$TMP/wine.txt" || fail "mødemappens tekst under Wine er ikke den samme som på Linux"
echo "   mødemappen: $(wc -l < "$TMP/wine.txt") linjer tekst, ens på Linux og Windows"

say "Wine: lokalraad.exe (the GUI build) runs subcommands"
[ "$(w "$U/Lokalråd data/lokalraad.exe" version | tr -d '\r')" = "$want" ] || fail "lokalraad.exe version under Wine"
w "$U/Lokalråd data/lokalraad.exe" export packet --db "$WDIR\\fra linux.db" --meeting "$MEETING" --out "$WDIR\\gui.pdf" >/dev/null || fail "lokalraad.exe export packet"
pdftotext -enc UTF-8 "$U/Lokalråd data/gui.pdf" "$TMP/gui.txt"
diff -q "$TMP/linux.txt" "$TMP/gui.txt" >/dev/null || fail "lokalraad.exe's mødemappe afviger"

say "Wine: installer /S, uninstall /S keeps the database"
SETUP=$(ls "$DIST"/Lokalraad-*-setup.exe)
w "$SETUP" /S; wineserver -w
P="$U/AppData/Local/Programs/Lokalraad"
[ -f "$P/lokalraad.exe" ] && [ -f "$P/lokalraad-cli.exe" ] && [ -f "$P/uninstall.exe" ] || fail "installeret ikke i %LOCALAPPDATA%\\Programs\\Lokalraad"
[ -n "$(find "$U/AppData/Roaming/Microsoft/Windows/Start Menu" -name "Lokalråd.lnk")" ] || fail "ingen Lokalråd i Start-menuen"
# The database where the app looks by default: os.UserConfigDir = %APPDATA%.
w "$P/lokalraad-cli.exe" demo --db 'C:\users\Søren Ærø\AppData\Roaming\lokalraad\lokalraad.db' >/dev/null
DB="$U/AppData/Roaming/lokalraad/lokalraad.db"
[ -s "$DB" ] || fail "ingen database i %APPDATA%\\lokalraad"
w "$P/uninstall.exe" /S; wineserver -w
for i in $(seq 30); do [ -e "$P/lokalraad.exe" ] || break; sleep 1; done
[ ! -e "$P/lokalraad.exe" ] || fail "afinstallationen efterlod lokalraad.exe"
! [ -n "$(find "$U/AppData/Roaming/Microsoft/Windows/Start Menu" -name "Lokalråd.lnk")" ] || fail "afinstallationen efterlod genvejen"
[ -s "$DB" ] || fail "afinstallationen slettede databasen"
w "$SETUP" /S; wineserver -w
w "$P/uninstall.exe" /S /SLETDATA; wineserver -w
for i in $(seq 30); do [ -e "$DB" ] || break; sleep 1; done
[ ! -e "$DB" ] || fail "/SLETDATA slettede ikke databasen"

say "dist-check OK"
printf '   %-45s %8s\n' "installer" "$(du -h "$SETUP" | cut -f1)" "installeret (Programs\\Lokalraad)" "$(( ($(stat -c %s "$DIST/lokalraad-$VERSION-windows-amd64.exe") + $(stat -c %s "$DIST/lokalraad-cli-$VERSION-windows-amd64.exe")) / 1048576 )) MB"
