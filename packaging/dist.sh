#!/usr/bin/env bash
# make dist: every package of this version into dist/, with SHA256SUMS.
#
#   dist/lokalraad-V-linux-amd64.tar.xz     the app for Linux: `make install` into ~/.local
#   dist/lokalraad_V_amd64.deb              the same as a Debian/Ubuntu package
#   dist/lokalraad-cli-V-linux-amd64        the subcommands without the window (static)
#   dist/Lokalraad-V-setup.exe              the Windows installer (per user, no admin)
#   dist/lokalraad-V-windows-amd64.exe      the Windows app alone (portable)
#   dist/lokalraad-cli-V-windows-amd64.exe  the subcommands for cmd.exe / PowerShell
#   dist/kommune-V-{linux-amd64,linux-arm64,windows-amd64.exe}   the server (static)
#   dist/kommune.service                    its systemd unit; packaging/server/Dockerfile builds the image
#
# The version is FyneApp.toml's; it is linked in as lokalraad/assets.version.
# Needs: go, gcc and the X11/GL headers (make deps), and for Windows
# gcc-mingw-w64-x86-64 and nsis, plus imagemagick and xz-utils
# (.ci/dist-deps installs them). The first mingw build of GLFW and go-gl
# compiles their C code for Windows: minutes; later builds take seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
export LANG=en_US.UTF-8

VERSION=$(sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
BUILD=$(sed -n 's/^ *Build *= *\([0-9]*\).*/\1/p' FyneApp.toml)
[[ $VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "FyneApp.toml: Version \"$VERSION\" er ikke MAJOR.MINOR.PATCH" >&2; exit 1; }
OUT=dist
STAGE=$OUT/.stage
# No -trimpath: it changes every package's build cache key, so the cgo
# code of GLFW would be compiled again after `make test` (minutes in CI).
LDFLAGS="-s -w -X lokalraad/assets.version=$VERSION"
SYSO=cmd/lokalraad/zz_rsrc_windows_amd64.syso
# Reproducible archives: file times from the last commit.
EPOCH=$(git log -1 --format=%ct 2>/dev/null || date +%s)
export SOURCE_DATE_EPOCH=$EPOCH

rm -rf "$OUT"
mkdir -p "$STAGE"
trap 'rm -f "$SYSO"' EXIT
t0=$(date +%s)
say() { printf '== %s (%ds)\n' "$*" $(($(date +%s) - t0)); }

# --- Linux: the layout `fyne package -os linux` makes, with our Makefile.
say "Linux amd64"
L=$STAGE/lokalraad-$VERSION-linux-amd64
go build -tags no_emoji -ldflags "$LDFLAGS" -o "$L/usr/local/bin/lokalraad" ./cmd/lokalraad
install -Dm644 packaging/linux/lokalraad.desktop "$L/usr/local/share/applications/lokalraad.desktop"
install -Dm644 assets/icon.png "$L/usr/local/share/pixmaps/lokalraad.png"
install -Dm644 assets/icon.png "$L/usr/local/share/icons/hicolor/512x512/apps/lokalraad.png"
for s in 256 64; do
  mkdir -p "$L/usr/local/share/icons/hicolor/${s}x${s}/apps"
  convert assets/icon.png -resize ${s}x${s} -strip "PNG32:$L/usr/local/share/icons/hicolor/${s}x${s}/apps/lokalraad.png"
done
install -Dm644 packaging/linux/Makefile "$L/Makefile"
TARFLAGS=(--sort=name --owner=0 --group=0 --numeric-owner --mtime=@"$EPOCH")
tar "${TARFLAGS[@]}" -C "$STAGE" -cJf "$OUT/lokalraad-$VERSION-linux-amd64.tar.xz" "$(basename "$L")"

# The .deb: the same files under /usr, Fyne's runtime libraries as
# dependencies.
say ".deb"
D=$STAGE/deb
mkdir -p "$D/DEBIAN"
cp -a "$L/usr/local/." "$D/usr/" 2>/dev/null || { mkdir -p "$D/usr"; cp -a "$L/usr/local/." "$D/usr/"; }
cat > "$D/DEBIAN/control" <<CONTROL
Package: lokalraad
Version: $VERSION
Architecture: amd64
Maintainer: Lokalråd <dev@lokalraad.dk>
Depends: libc6, libgl1, libx11-6, libxcursor1, libxrandr2, libxinerama1, libxi6, libxxf86vm1
Section: office
Priority: optional
Installed-Size: $(du -sk "$D/usr" | cut -f1)
Homepage: https://github.com/lokalraad/lokalraad
Description: Lokalrådets møder, referater, projekter og budgetønsker
 Offline-first skrivebordsprogram til danske lokalråd og lokalfora:
 dagsordener, referater, handlingspunkter, projekter, fondsansøgninger og
 budgetønsker, med synkronisering til kommunen.
CONTROL
find "$D" -exec touch -h -d @"$EPOCH" {} +
dpkg-deb --root-owner-group -Zxz --build "$D" "$OUT/lokalraad_${VERSION}_amd64.deb" >/dev/null

say "lokalraad-cli linux"
CGO_ENABLED=0 go build -tags headless -ldflags "$LDFLAGS" -o "$OUT/lokalraad-cli-$VERSION-linux-amd64" ./cmd/lokalraad

# --- The server, static, three platforms.
for p in linux/amd64 linux/arm64 windows/amd64; do
  say "kommune $p"
  os=${p%/*} arch=${p#*/} ext=""
  [ "$os" = windows ] && ext=.exe
  CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -ldflags "$LDFLAGS" -o "$OUT/kommune-$VERSION-$os-$arch$ext" ./cmd/kommune
done
cp packaging/server/kommune.service "$OUT/kommune.service"

# --- Windows: icon, version information and manifest as a .syso the Go
# linker takes in; the GUI linked as a windows GUI program (no console),
# the CLI as a console program.
say "Windows resources"
W=$STAGE/windows
mkdir -p "$W"
convert assets/icon.png -define icon:auto-resize=256,128,64,48,32,16 "$W/lokalraad.ico"
cp packaging/windows/lokalraad.manifest "$W/"
IFS=. read -r MA MI PA <<<"$VERSION"
sed -e "s/@VERSION@/$VERSION/g" -e "s/@VERSION_COMMAS@/$MA,$MI,$PA,${BUILD:-0}/g" \
    -e "s/@FILE@/lokalraad/g" -e "s/@DESCRIPTION@/Lokalråd/g" \
    packaging/windows/lokalraad.rc.in > "$W/lokalraad.rc"
(cd "$W" && x86_64-w64-mingw32-windres -c 65001 -i lokalraad.rc -O coff -o rsrc.syso)
cp "$W/rsrc.syso" "$SYSO"

say "lokalraad.exe (cgo, mingw-w64)"
CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc \
  go build -tags no_emoji -ldflags "$LDFLAGS -H windowsgui" -o "$W/lokalraad.exe" ./cmd/lokalraad
say "lokalraad-cli.exe"
CGO_ENABLED=0 GOOS=windows GOARCH=amd64 \
  go build -tags headless -ldflags "$LDFLAGS" -o "$W/lokalraad-cli.exe" ./cmd/lokalraad
rm -f "$SYSO"
cp "$W/lokalraad.exe" "$OUT/lokalraad-$VERSION-windows-amd64.exe"
cp "$W/lokalraad-cli.exe" "$OUT/lokalraad-cli-$VERSION-windows-amd64.exe"

say "installer (NSIS)"
INSTALLED_KB=$(( ($(stat -c %s "$W/lokalraad.exe") + $(stat -c %s "$W/lokalraad-cli.exe") + $(stat -c %s "$W/lokalraad.ico") + 60000) / 1024 ))
makensis -V2 -DVERSION="$VERSION" -DSTAGE="$PWD/$W" -DOUT="$PWD/$OUT/Lokalraad-$VERSION-setup.exe" \
  -DINSTALLED_KB="$INSTALLED_KB" packaging/windows/installer.nsi

rm -rf "$STAGE"
(cd "$OUT" && sha256sum -- * > SHA256SUMS)
say "dist/ klar"
ls -l "$OUT"
