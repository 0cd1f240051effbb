; The Windows installer of Lokalråd: per user, no administrator rights.
;
; Installs lokalraad.exe (the window) and lokalraad-cli.exe (the same
; subcommands for a console or a script) into
; %LOCALAPPDATA%\Programs\Lokalraad, a Start-menu entry "Lokalråd" and an
; entry in Apps & features. The council's database and its backups live in
; %APPDATA%\lokalraad (os.UserConfigDir); uninstalling leaves them unless
; the user says yes when asked, or runs the uninstaller with /SLETDATA.
; Silent: Lokalraad-setup.exe /S, and uninstall.exe /S (keeps the data).
;
; packaging/dist.sh runs: makensis -DVERSION=0.1.0 -DSTAGE=dir -DOUT=file
;   -DINSTALLED_KB=n installer.nsi

; A 64-bit installer for a 64-bit app: no WOW64 redirection of the
; registry, and it runs under Debian's Wine without wine32.
Target amd64-unicode
SetCompressor /SOLID lzma
!include "MUI2.nsh"
!include "FileFunc.nsh"

!ifndef VERSION
  !error "makensis -DVERSION=x.y.z"
!endif

Name "Lokalråd"
OutFile "${OUT}"
InstallDir "$LOCALAPPDATA\Programs\Lokalraad"
InstallDirRegKey HKCU "Software\Lokalraad" "InstallDir"
RequestExecutionLevel user
BrandingText "Lokalråd ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=1030 "ProductName" "Lokalråd"
VIAddVersionKey /LANG=1030 "FileDescription" "Installation af Lokalråd"
VIAddVersionKey /LANG=1030 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1030 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1030 "LegalCopyright" "Lokalråd-projektet"

!define MUI_ICON "${STAGE}/lokalraad.ico"
!define MUI_UNICON "${STAGE}/lokalraad.ico"
!define MUI_FINISHPAGE_RUN "$INSTDIR\lokalraad.exe"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Danish"

!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Lokalraad"

Section "Lokalråd"
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  File "${STAGE}/lokalraad.exe"
  File "${STAGE}/lokalraad-cli.exe"
  File "${STAGE}/lokalraad.ico"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\Lokalråd.lnk" "$INSTDIR\lokalraad.exe" "" "$INSTDIR\lokalraad.ico" 0 SW_SHOWNORMAL "" "Lokalrådets møder, referater, projekter og budgetønsker"
  WriteRegStr HKCU "Software\Lokalraad" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "Lokalråd"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "Lokalråd-projektet"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\lokalraad.ico"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTKEY}" "EstimatedSize" ${INSTALLED_KB}
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  Delete "$SMPROGRAMS\Lokalråd.lnk"
  Delete "$INSTDIR\lokalraad.exe"
  Delete "$INSTDIR\lokalraad-cli.exe"
  Delete "$INSTDIR\lokalraad.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTKEY}"
  DeleteRegKey HKCU "Software\Lokalraad"

  ; The council's data stays unless the user asks: a silent uninstall
  ; keeps it, /SLETDATA removes it.
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/SLETDATA" $R1
  IfErrors 0 delete_data
  MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON2 \
    "Vil du også slette lokalrådets database og sikkerhedskopier?$\r$\n$\r$\n$APPDATA\lokalraad$\r$\n$\r$\nVælg Nej for at beholde dem (anbefalet), så de er der igen, hvis du installerer Lokalråd på ny." \
    /SD IDNO IDYES delete_data
  Goto done
delete_data:
  RMDir /r "$APPDATA\lokalraad"
  RMDir /r "$APPDATA\fyne\dk.lokalraad.app"
done:
SectionEnd
