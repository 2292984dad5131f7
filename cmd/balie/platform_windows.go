package main

import (
	"os"

	"golang.org/x/sys/windows"
)

// appFolder is the folder of the terminal's configuration and store in
// the user's roaming application data (%APPDATA%\Balie), as Windows
// programs name theirs.
const appFolder = "Balie"

// What balie readers says about the ports of this system.
const (
	noPortsFound = "No serial ports found: Windows lists no COM port (Device Manager, Ports (COM & LPT))."
	portAdvice   = "Give the PORT to the app's --reader or to reader-test's --port, e.g. balie --reader COM3. Windows keeps a USB reader's COM number for the USB socket it was first plugged into; in another socket it may get another number."
)

// stdio is where the operator commands write. balie.exe is built as a
// Windows GUI program, so that a clerk who starts the desk sees no
// console window; such a program gets no console of its own. When its
// output is not redirected, it writes to the console of the cmd or
// PowerShell window it was started from, if any.
func stdio() (stdout, stderr *os.File) {
	stdout, stderr = os.Stdout, os.Stderr
	if valid(windows.STD_OUTPUT_HANDLE) && valid(windows.STD_ERROR_HANDLE) {
		return stdout, stderr
	}
	if !attachParentConsole() {
		return stdout, stderr // started from Explorer: nowhere to write
	}
	con, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0)
	if err != nil {
		return stdout, stderr
	}
	if !valid(windows.STD_OUTPUT_HANDLE) {
		stdout = con
	}
	if !valid(windows.STD_ERROR_HANDLE) {
		stderr = con
	}
	return stdout, stderr
}

// valid reports whether a standard handle leads somewhere: a file, a
// pipe or a console.
func valid(std uint32) bool {
	h, err := windows.GetStdHandle(std)
	return err == nil && h != 0 && h != windows.InvalidHandle
}

// attachParentConsole attaches the process to its parent's console, if
// the parent has one (x/sys/windows has no wrapper for AttachConsole).
func attachParentConsole() bool {
	const attachParentProcess = ^uintptr(0) // (DWORD)-1
	proc := windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")
	if proc.Find() != nil {
		return false
	}
	ok, _, _ := proc.Call(attachParentProcess)
	return ok != 0
}
