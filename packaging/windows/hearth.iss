; Inno Setup 6 script for Hearth on Windows: a per-user install (no administrator rights),
; a Start-menu entry, an optional desktop icon, and an uninstaller (Settings > Apps).
;
; Build the app first (on Windows, in a "x64 Native Tools" prompt for CUDA/Vulkan):
;   python packaging\build.py --variant cpu        (or cuda / vulkan)
; then compile this script with Inno Setup 6.3 or later:
;   iscc /DAppVersion=0.1.0 /DVariant=cpu packaging\windows\hearth.iss
; The installer lands in dist\hearth-<version>-windows-x86_64-<variant>-setup.exe.
;
; Code signing (optional): define a sign tool on the command line and name it:
;   iscc "/Ssigntool=signtool.exe sign /fd sha256 /tr http://timestamp.digicert.com /td sha256 /a $f" ^
;        /DSignToolName=signtool /DAppVersion=0.1.0 /DVariant=cpu packaging\windows\hearth.iss
; Sign the executables inside the bundle too (hearth.exe, hearth-cli.exe) before compiling.
;
; Models, conversations and settings live in %LOCALAPPDATA%\hearth, outside {app}: an
; uninstall or an upgrade never touches them.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef Variant
  #define Variant "cpu"
#endif
#ifndef SourceDir
  ; build.py's output: dist\hearth-<version>-windows-x86_64-<variant>\hearth
  #define SourceDir "..\..\dist\hearth-" + AppVersion + "-windows-x86_64-" + Variant + "\hearth"
#endif

#if !FileExists(SourceDir + "\hearth.exe")
  #error "No hearth.exe in SourceDir: run packaging\build.py first, or pass /DSourceDir=..."
#endif

[Setup]
; The AppId ties upgrades and the uninstaller together: never change it.
AppId={{6F1C2A7E-3B9D-4C51-9E0A-2D7B8C4F1A63}
AppName=Hearth
AppVersion={#AppVersion}
AppVerName=Hearth {#AppVersion} ({#Variant})
AppPublisher=Hearth
VersionInfoVersion={#AppVersion}
; per user: {autopf} is %LOCALAPPDATA%\Programs without administrator rights
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\Hearth
DefaultGroupName=Hearth
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=hearth-{#AppVersion}-windows-x86_64-{#Variant}-setup
SetupIconFile=hearth.ico
UninstallDisplayIcon={app}\hearth.exe
UninstallDisplayName=Hearth ({#Variant})
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
#ifdef SignToolName
SignTool={#SignToolName}
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
; Simplified Chinese is an unofficial Inno Setup translation: used when it is installed
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; an upgrade replaces the whole runtime: no library of the previous version is left behind
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Hearth"; Filename: "{app}\hearth.exe"; WorkingDir: "{app}"
; a console that runs the self-test and stays open to show its report
Name: "{group}\Hearth self-test"; Filename: "{cmd}"; Parameters: "/k ""{app}\hearth-cli.exe"" --self-test"; WorkingDir: "{app}"
Name: "{group}\{cm:UninstallProgram,Hearth}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Hearth"; Filename: "{app}\hearth.exe"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\hearth.exe"; Description: "{cm:LaunchProgram,Hearth}"; Flags: nowait postinstall skipifsilent
