// Fixture for static analysis of Go binaries: syscalls made through the syscall package's
// wrappers, whose number travels in RAX (Go's register ABI) and is spilled to the stack around
// runtime.entersyscall, and through the os package. Numbers the tests look for:
// getpgid (121 on x86_64, 155 on aarch64) through syscall.Syscall, getppid (110) through syscall.RawSyscall,
// fsync (74) through os.File.Sync, unlinkat (263) through os.Remove, getdents64 (217) through
// os.ReadDir.
package main

import (
	"fmt"
	"os"
	"syscall"
)

func main() {
	pgrp, _, _ := syscall.Syscall(syscall.SYS_GETPGID, 0, 0, 0)
	ppid, _, _ := syscall.RawSyscall(syscall.SYS_GETPPID, 0, 0, 0)
	dir, err := os.MkdirTemp("", "gosys")
	if err != nil {
		os.Exit(1)
	}
	f, err := os.Create(dir + "/f")
	if err == nil {
		f.WriteString("x")
		f.Sync()
		f.Close()
	}
	entries, _ := os.ReadDir(dir)
	os.Remove(dir + "/f")
	os.Remove(dir)
	fmt.Println(pgrp > 0, ppid > 0, len(entries))
}
